-- Doctors' photos uploaded in the scheduling office (issue 13). The bytes
-- live with the catalogue, so a backup or a replica carries them; the
-- doctor's photo_url then points at GET /api/v1/doctors/{id}/photo.
CREATE TABLE doctor_photo (
    doctor_id    INTEGER PRIMARY KEY REFERENCES doctor (id),
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    sha256       TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);
