-- wrk script for bench/api_wrk.sh: GET /api/v1/tickets/<id> with a random
-- ticket number in 1..$BENCH_API_TICKETS (the Authorization header comes
-- from wrk -H). Each wrk thread seeds its own generator.
local n = tonumber(os.getenv("BENCH_API_TICKETS") or "100000")
local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

function init(args)
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
	return wrk.format("GET", "/api/v1/tickets/" .. math.random(1, n))
end
