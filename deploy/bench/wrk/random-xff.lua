-- wrk script: every request comes from another client, as a proxy in front would say it.
-- X-Forwarded-For is a random address in 10.0.0.0/8 (16.7 million clients: a run almost never
-- repeats one, so every rate-limited request opens a new bucket). Nothing is ever sent to these
-- addresses; they are only header values. Other headers given with wrk -H are kept.
math.randomseed(os.time())

local headers = {}
for name, value in pairs(wrk.headers) do
   headers[name] = value
end

request = function()
   headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
      math.random(0, 255), math.random(0, 255), math.random(1, 254))
   return wrk.format(nil, nil, headers)
end
