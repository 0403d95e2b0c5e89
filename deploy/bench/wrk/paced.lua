-- wrk script: paces each connection, so that wrk offers a fixed rate instead of as many requests as
-- the server can take (wrk2 is not packaged by Debian). Before each request a connection waits
-- WRK_INTERVAL_MS milliseconds (a fraction is honoured on average: wrk's timers count whole
-- milliseconds, so the wait is the floor or the ceiling at random). With C connections the offered
-- rate is about C * 1000 / (interval + latency) requests/s.
-- wrk measures latency from the moment a request is written, so a late response delays the next
-- request of its connection (closed loop, no coordinated-omission correction as in wrk2).
local interval = tonumber(os.getenv("WRK_INTERVAL_MS") or "")
if interval == nil or interval < 0 then
   error("set WRK_INTERVAL_MS to the wait before each request, in milliseconds")
end
local whole = math.floor(interval)
local fraction = interval - whole
math.randomseed(os.time())

function delay()
   if math.random() < fraction then
      return whole + 1
   end
   return whole
end
