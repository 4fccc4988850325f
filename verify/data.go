package verify

//go:generate go run ./internal/gendata -out data
