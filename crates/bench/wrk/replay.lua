-- wrk script of prosektor-bench: every request is one line of the file named by
-- PROSEKTOR_BENCH_REQUESTS, picked at random. A line is tab-separated: method, path, bearer token
-- (may be empty), JSON body (may be empty). When the run is over, one JSON line with the figures
-- is written to stdout for prosektor-bench to read.

local source = os.getenv("PROSEKTOR_BENCH_REQUESTS")
local next_seed = 0
local prepared = {}

function setup(thread)
   next_seed = next_seed + 1
   thread:set("seed", next_seed)
end

function init(args)
   -- Each thread replays its own deterministic sequence.
   math.randomseed(seed)
   for line in io.lines(source) do
      local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = { ["Accept"] = "application/json" }
      if token ~= "" then
         headers["Authorization"] = "Bearer " .. token
      end
      if body == "" then
         body = nil
      else
         headers["Content-Type"] = "application/json"
      end
      prepared[#prepared + 1] = wrk.format(method, path, headers, body)
   end
end

function request()
   return prepared[math.random(#prepared)]
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      '{"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
      '"status_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
      summary.requests, summary.duration, errors.connect, errors.read, errors.write,
      errors.status, errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
