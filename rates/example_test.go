package rates_test

import (
	"context"
	"fmt"

	"github.com/mxkit/mxkit/rates"
)

// Count outcomes as they come and act on the crossings Add returns: here
// a tenant whose complaints pass Gmail's and Yahoo's 0.3%.
func Example() {
	var c rates.Counter
	ctx := context.Background()
	c.Add(ctx, rates.Event{Kind: rates.Delivered, N: 2000, Tenant: "acme", Provider: "google"})
	for range 7 {
		crossings, _ := c.Add(ctx, rates.Event{Kind: rates.Complained, Tenant: "acme", Provider: "google"})
		for _, x := range crossings {
			fmt.Printf("%s %s=%s: %d/%d = %.2f%% > %.1f%%: pause it\n", x.Threshold, x.Dimension, x.Value,
				x.Numerator, x.Denominator, 100*x.Rate, 100*x.Limit)
		}
	}
	// Output:
	// complaint-rate tenant=acme: 7/2000 = 0.35% > 0.3%: pause it
	// complaint-rate provider=google: 7/2000 = 0.35% > 0.3%: pause it
}
