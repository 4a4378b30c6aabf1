-- Loaded by `wrk -s`: only done() is defined, so wrk keeps its static request and fast path.
-- Prints wrk's own figures plus its CPU ticks and peak memory read from /proc/self, as one line
-- the benchmark parses (the same line the Node children print).
local function read(path)
  local f = io.open(path, "r")
  if not f then return "" end
  local text = f:read("*a")
  f:close()
  return text
end

done = function(summary, latency, requests)
  -- /proc/self/stat: fields 14 and 15 are utime and stime in clock ticks; field 2 may hold spaces,
  -- so count from the closing parenthesis.
  local stat = read("/proc/self/stat")
  local rest = stat:match("%) (.*)")
  local fields = {}
  for field in rest:gmatch("%S+") do fields[#fields + 1] = field end
  local ticks = tonumber(fields[12]) + tonumber(fields[13])
  local hwm = tonumber(read("/proc/self/status"):match("VmHWM:%s+(%d+) kB")) or 0
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"errors":%d,"durationS":%.6f,"cpuTicks":%d,"p50Ms":%.4f,"p99Ms":%.4f,"peakRssMiB":%.2f}\n',
    summary.requests, errors, summary.duration / 1e6, ticks, latency:percentile(50) / 1000, latency:percentile(99) / 1000, hwm / 1024))
end
