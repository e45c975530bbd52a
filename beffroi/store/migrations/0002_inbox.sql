-- The response queue's working state: who closed an item and when, the send-in-progress
-- marker that makes a double click harmless, escalation, business-hours response time,
-- saved replies and the round-robin position per theme.

ALTER TABLE queue ADD COLUMN closed_by TEXT;
ALTER TABLE queue ADD COLUMN closed_at TEXT;
ALTER TABLE queue ADD COLUMN assigned_at TEXT;
-- Set while a reply is being sent; a second send is refused while it is set.
ALTER TABLE queue ADD COLUMN sending_since TEXT;
ALTER TABLE queue ADD COLUMN sending_by TEXT;
ALTER TABLE queue ADD COLUMN last_error_at TEXT;
ALTER TABLE queue ADD COLUMN escalated_at TEXT;
ALTER TABLE queue ADD COLUMN escalated_by TEXT;
-- Response time counted in the city's business hours (reports); response_seconds is wall clock.
ALTER TABLE queue ADD COLUMN business_response_seconds INTEGER;

CREATE INDEX queue_replied ON queue(replied_at) WHERE replied_at IS NOT NULL;
CREATE INDEX queue_overdue_pending ON queue(overdue_at)
    WHERE overdue_at IS NOT NULL AND overdue_alerted_at IS NULL;
CREATE INDEX IF NOT EXISTS queue_previous ON queue(previous_queue_id) WHERE previous_queue_id IS NOT NULL;

-- French reply templates; theme NULL means "any theme".
CREATE TABLE saved_replies (
    id          INTEGER PRIMARY KEY,
    theme       TEXT,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_by  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX saved_replies_theme ON saved_replies(theme, active);

-- Round-robin position: the last community manager given an item of this theme.
CREATE TABLE queue_rotation (
    theme          TEXT PRIMARY KEY,   -- '' for items without a theme
    last_assignee  TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

INSERT INTO saved_replies (theme, title, body, updated_by, created_at, updated_at) VALUES
(NULL, 'Accusé de réception', 'Bonjour {prenom}, merci pour votre message. Nous l''avons transmis à nos collègues ({service}), qui reviennent vers vous rapidement. Bonne journée !', 'seed', datetime('now'), datetime('now')),
(NULL, 'Demande de précisions', 'Bonjour {prenom}, merci pour votre message. Pourriez-vous nous préciser l''adresse exacte (ou nous écrire en message privé) afin que nous puissions traiter votre demande ?', 'seed', datetime('now'), datetime('now')),
(NULL, 'Remerciement', 'Merci beaucoup {prenom}, ça nous fait plaisir ! À très bientôt à Marcq-en-Barœul.', 'seed', datetime('now'), datetime('now')),
('mobilité', 'Stationnement / circulation', 'Bonjour {prenom}, merci pour votre signalement. Nos collègues ({service}) sont prévenus et vont vérifier sur place. Vous pouvez aussi consulter les informations trafic sur le site de la ville.', 'seed', datetime('now'), datetime('now')),
('propreté', 'Dépôt sauvage / collecte', 'Bonjour {prenom}, merci de nous avoir signalé ce problème. Nos équipes ({service}) interviennent dans les meilleurs délais. Pour les encombrants, la prise de rendez-vous se fait en mairie ou sur le site de la ville.', 'seed', datetime('now'), datetime('now')),
('travaux', 'Travaux / voirie', 'Bonjour {prenom}, merci pour votre message. Nous avons transmis votre signalement à nos collègues ({service}), qui programment l''intervention. Nous vous tenons informé·e.', 'seed', datetime('now'), datetime('now')),
('sécurité', 'Sécurité', 'Bonjour {prenom}, merci de nous avoir alertés. Nos collègues ({service}) sont informés. En cas d''urgence, composez le 17 (police) ou le 112.', 'seed', datetime('now'), datetime('now')),
('culture', 'Programmation culturelle', 'Bonjour {prenom}, merci pour votre intérêt ! Toute la programmation est sur le site de la ville ; nos collègues ({service}) restent à votre disposition pour toute question.', 'seed', datetime('now'), datetime('now')),
('jeunesse', 'Jeunesse / écoles', 'Bonjour {prenom}, merci pour votre message. Nos collègues ({service}) vont vous répondre au plus vite ; vous pouvez aussi les joindre en mairie aux heures d''ouverture.', 'seed', datetime('now'), datetime('now')),
('événements', 'Événements', 'Bonjour {prenom}, merci ! Toutes les informations (horaires, lieu, accès) sont sur le site et l''agenda de la ville. À bientôt !', 'seed', datetime('now'), datetime('now')),
('démarches', 'Démarches administratives', 'Bonjour {prenom}, les démarches (passeport, carte d''identité, état civil) se font sur rendez-vous en mairie. Nos collègues ({service}) peuvent vous renseigner aux heures d''ouverture.', 'seed', datetime('now'), datetime('now'));
