package queue_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mxkit/mxkit/queue"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"user@example.com", true},
		{"first.last+tag@sub.example.co.uk", true},
		{"\"john doe\"@example.com", true},               // quoted local part, RFC 5321 §4.1.2
		{"\"a\\\"b\"@example.com", true},                 // quoted-pair
		{"user@[192.0.2.1]", true},                       // address literal, §4.1.3
		{"user@[IPv6:2001:db8::1]", true},                // address literal, §4.1.3
		{"josé@bücher.example", true},                    // RFC 6531 UTF-8
		{strings.Repeat("a", 64) + "@example.com", true}, // local part at the limit
		{strings.Repeat("a", 65) + "@example.com", false},
		{"a@" + strings.Repeat("b.", 126) + "com", false}, // over 256 with brackets
		{"", false},
		{"no-at-sign", false},
		{"@example.com", false},
		{"user@", false},
		{"user@@example.com", false},
		{".user@example.com", false},
		{"us..er@example.com", false},
		{"user.@example.com", false},
		{"user name@example.com", false},
		{"user@exa mple.com", false},
		{"user@example.com\r\n", false},
		{"user\n@example.com", false},
		{"user@example.com\x00", false},
		{"<user@example.com>", false},
		{"user@-example.com", false},
		{"user@example..com", false},
		{"user@[192.0.2.1", false},
		{"\"unterminated@example.com", false},
		{"\"a\"b\"@example.com", false},
		{"user@example.com\x7f", false},
		{"\xff@example.com", false},
	}
	for _, tc := range tests {
		err := queue.CheckAddress(tc.addr)
		if (err == nil) != tc.ok {
			t.Errorf("CheckAddress(%q) = %v, want ok=%v", tc.addr, err, tc.ok)
		}
		if err != nil && !errors.Is(err, queue.ErrInvalidAddress) {
			t.Errorf("CheckAddress(%q) error %v does not match ErrInvalidAddress", tc.addr, err)
		}
	}
}

func TestScheduleDelay(t *testing.T) {
	tests := []struct {
		name    string
		s       queue.Schedule
		attempt int
		want    time.Duration
	}{
		{"default first retry is Postfix's minimal_backoff_time", queue.Schedule{}, 1, 5 * time.Minute},
		{"default doubles", queue.Schedule{}, 2, 10 * time.Minute},
		{"default caps at maximal_backoff_time", queue.Schedule{}, 10, 4000 * time.Second},
		{"huge attempt count stays capped", queue.Schedule{}, 1 << 20, 4000 * time.Second},
		{"attempt 0 counts as the first", queue.Schedule{}, 0, 5 * time.Minute},
		{"custom factor", queue.Schedule{Initial: time.Second, Factor: 3, Max: time.Hour}, 3, 9 * time.Second},
		{"max below initial is raised to initial", queue.Schedule{Initial: time.Hour, Max: time.Minute}, 5, time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Delay(tc.attempt); got != tc.want {
				t.Errorf("Delay(%d) = %v, want %v", tc.attempt, got, tc.want)
			}
		})
	}
}
