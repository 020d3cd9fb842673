-- wrk script of `bench ingest` (deskpemilu/bench/wrkgen.py): every request gets its
-- own message id "<run>-<thread>-<n>" (batches: "<run>-<thread>-<n>-<i>").
--   wrk ... -s ingest.lua URL -- MODE POOL_FILE RUN BATCH KEY TOKEN
-- MODE: trivial | bare | sms | api | batch | onerow. POOL_FILE: one prepared message per
-- line, made before the clock starts (sms, onerow: "sender=..&text=.." URL-encoded;
-- api, batch: a JSON object without its opening brace and id).
-- done() prints one JSON line that wrkgen.py reads.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local mode, run, batch, key, token
local pool = {}
local n = 0

function init(args)
  mode, run, batch, key, token = args[1], args[3], tonumber(args[4]), args[5], args[6]
  for line in io.lines(args[2]) do
    pool[#pool + 1] = line
  end
  math.randomseed(tid * 7919)
end

local api_headers = {
  ["Authorization"] = "Bearer ",
  ["Content-Type"] = "application/json",
}

local function pick()
  return pool[math.random(#pool)]
end

request = function()
  if mode == "trivial" or mode == "bare" then
    return wrk.format("GET", "/healthz")
  end
  n = n + 1
  local id = run .. "-" .. tid .. "-" .. n
  if mode == "sms" then
    return wrk.format("GET", "/webhooks/sms?" .. pick() .. "&id=" .. id .. "&key=" .. key)
  elseif mode == "onerow" then
    return wrk.format("GET", "/onerow?" .. pick() .. "&id=" .. id)
  end
  api_headers["Authorization"] = "Bearer " .. token
  if mode == "api" then
    local body = '{"id":"' .. id .. '",' .. pick()
    return wrk.format("POST", "/api/v1/intake/messages", api_headers, body)
  end
  local start = math.random(#pool - batch + 1)
  local items = {}
  for i = 1, batch do
    items[i] = '{"id":"' .. id .. "-" .. i .. '",' .. pool[start + i - 1]
  end
  local body = '{"messages":[' .. table.concat(items, ",") .. "]}"
  return wrk.format("POST", "/api/v1/intake/messages/batch", api_headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99)))
end
