-- The HIS's own doctor codes (HIS socket interface T103, forwarded by
-- hisbridge): which booking doctor each is, so that the HIS's schedules
-- (T104) and stop-clinic notices (T105) find their doctor.
CREATE TABLE his_doctor (
    his_code  TEXT    PRIMARY KEY,
    doctor_id INTEGER NOT NULL UNIQUE REFERENCES doctor (id)
);
