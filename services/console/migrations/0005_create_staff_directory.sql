-- The staff directory (通讯录, domain/Directory): what colleagues need to reach
-- a member of staff, edited by admins, read by every signed-in member of
-- staff. A user without a row is listed with empty fields; the row goes with
-- the account.
CREATE TABLE staff_directory (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    department     TEXT    NOT NULL DEFAULT '',  -- e.g. 信息科, 心血管内科
    title          TEXT    NOT NULL DEFAULT '',  -- e.g. 主治医师, 网络工程师
    skills         TEXT    NOT NULL DEFAULT '',  -- free text: what to call this person for
    extension      TEXT    NOT NULL DEFAULT '',  -- the internal phone number (digits, '-', '#')
    updated_at_ms  INTEGER NOT NULL
);

CREATE INDEX staff_directory_by_department ON staff_directory(department);
