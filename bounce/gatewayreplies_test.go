package bounce

import "testing"

// TestGatewayReplies scores ClassifyReply on testdata/gateway-replies.csv.
func TestGatewayReplies(t *testing.T) {
	rows := replyTable(t, "gateway-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "gateway replies", rows, nil)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	pages := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv")
	checkTableFloors(t, "pages", pages, 15, reason, hard, 0, 0)
}
