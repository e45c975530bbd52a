"""The command line (``beffroi ...``) and the wiring that builds the parts from a configuration."""
