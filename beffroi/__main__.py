import sys

from beffroi.cli.main import main

sys.exit(main())
