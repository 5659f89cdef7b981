-- wrk script for the durable-booking run: POST /api/v1/appointments with the
-- portal's token, each request a new patient (18-digit resident ID with a
-- correct GB 11643 check character, a plausible birth date) and a new
-- Idempotency-Key, on the next free place of the fixture (places.lua: one
-- slot id per place, so no slot is ever offered beyond its capacity and the
-- anti-scalping rules never apply: one booking per patient).
--
--   wrk ... -s bench/wrk/book.lua https://127.0.0.1:PORT -- THREADS TOKEN NONCE places.lua
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local W = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = "10X98765432"
local BASE = os.time({ year = 1971, month = 1, day = 1, hour = 12 })

-- Distinct for u < 18,000,000: birth date 1971-01-01 + (u mod 18000) days
-- (up to 2020), sequence number floor(u / 18000) mod 1000.
local function residentId(u)
  local birth = os.date("!%Y%m%d", BASE + (u % 18000) * 86400)
  local body = "110105" .. birth .. string.format("%03d", math.floor(u / 18000) % 1000)
  local sum = 0
  for i = 1, 17 do
    sum = sum + (string.byte(body, i) - 48) * W[i]
  end
  local m = sum % 11 + 1
  return body .. string.sub(CHECK, m, m)
end

function init(args)
  nthreads = tonumber(args[1])
  token = "Bearer " .. args[2]
  nonce = args[3]
  places = dofile(args[4])
  tid = tonumber(tid)
  n, sent, ok, other, beyond, shown = 0, 0, 0, 0, 0, 0
  codes = {}
end

function request()
  local u = n * nthreads + tid
  n = n + 1
  sent = sent + 1
  if u >= #places then beyond = beyond + 1 end -- the fixture is used up: these will be refused (slot_full)
  local slot = places[(u % #places) + 1]
  local body = string.format(
    '{"slotId":%d,"patient":{"name":"张伟","documentType":"resident_id","documentNumber":"%s","phone":"138%08d"}}',
    slot, residentId(u), u % 100000000)
  return wrk.format("POST", "/api/v1/appointments", {
    ["Authorization"] = token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = nonce .. "-" .. u,
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    ok = ok + 1
  else
    other = other + 1
    codes[status] = (codes[status] or 0) + 1
    if shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("book: HTTP %d %s\n", status, string.sub(body or "", 1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local o, x, s, b = 0, 0, 0, 0
  local merged = {}
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    x = x + t:get("other")
    s = s + t:get("sent")
    b = b + t:get("beyond")
    for code, k in pairs(t:get("codes")) do merged[code] = (merged[code] or 0) + k end
  end
  local parts = {}
  for code, k in pairs(merged) do table.insert(parts, code .. ":" .. k) end
  local e = summary.errors
  io.write(string.format(
    "RESULT created=%d other=%d other_codes=%s sent=%d beyond_fixture=%d duration_us=%d p50_us=%d p99_us=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    o, x, (#parts > 0 and table.concat(parts, ",") or "-"), s, b, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout))
end
