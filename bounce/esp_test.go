package bounce

import "testing"

// TestESPReplies scores ClassifyReply on testdata/esp-replies.csv.
func TestESPReplies(t *testing.T) {
	rows := replyTable(t, "esp-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "esp replies", rows, espExceptions)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	pages := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv", "gateway-replies.csv", "regional-replies.csv", "ja-replies.csv", "panel-replies.csv", "groupware-replies.csv")
	checkTableFloors(t, "pages", pages, 15, reason, hard, 0, 0)
}

var espExceptions = map[string]string{}
