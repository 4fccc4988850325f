module github.com/mxkit/mxkit/bench

go 1.26.0

require github.com/mxkit/mxkit v0.0.0

replace github.com/mxkit/mxkit => ../
