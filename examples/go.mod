module github.com/mxkit/mxkit/examples

go 1.26.0

require github.com/mxkit/mxkit v0.0.0

require (
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
	github.com/emersion/go-smtp v0.25.1 // indirect
)

replace github.com/mxkit/mxkit => ../
