-- Host readings for the overview's charts (domain/ResourceSamples): one row
-- per metric and sample time, every console.sample_seconds; rows older than
-- console.samples_keep_days are deleted by the sampler itself.
-- metric: "cpu.busy" (0..1), "mem.used_bytes", "mem.total_bytes",
-- "disk.used_bytes:<mount>", "disk.total_bytes:<mount>",
-- "unit.memory_bytes:<unit>".
CREATE TABLE resource_samples (
    metric  TEXT    NOT NULL,
    t_ms    INTEGER NOT NULL,
    value   REAL    NOT NULL,
    PRIMARY KEY (metric, t_ms)
) WITHOUT ROWID;

CREATE INDEX resource_samples_by_time ON resource_samples(t_ms);
