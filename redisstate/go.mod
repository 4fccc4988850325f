module github.com/mxkit/mxkit/redisstate

go 1.26.0

require (
	github.com/go-redis/redis_rate/v10 v10.0.1
	github.com/mxkit/mxkit v0.0.0
	github.com/redis/go-redis/v9 v9.24.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/emersion/go-message v0.18.2 // indirect
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
	github.com/miekg/dns v1.1.73 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/mxkit/mxkit => ../
