-- wrk script for the read runs (nginx and booking alike, so both pay the same
-- client cost): one GET with the portal's bearer token, every answer's status
-- counted; run.sh fails the run if any answer is not 200.
--
--   wrk ... -s bench/wrk/read.lua https://127.0.0.1:PORT -- /api/v1/schedules/ID TOKEN
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, bad, shown = 0, 0, 0
  req = wrk.format("GET", args[1], { ["Authorization"] = "Bearer " .. args[2], ["Accept"] = "application/json" })
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
    if shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("read: HTTP %d %s\n", status, string.sub(body or "", 1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT ok=%d bad=%d requests=%d duration_us=%d p50_us=%d p99_us=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    o, b, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
