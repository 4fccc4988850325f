package bounce

import "testing"

// TestPanelReplies scores ClassifyReply on testdata/panel-replies.csv: the
// refusals hosting control panels and mail-server bundles answer with in
// their default configurations, read from their own templates.
func TestPanelReplies(t *testing.T) {
	rows := replyTable(t, "panel-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "panel replies", rows, panelExceptions)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	panels := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv", "regional-replies.csv", "gateway-replies.csv")
	_ = panels
	checkTableFloors(t, "sources", panels, 12, reason, hard, 0, 0)
}

var panelExceptions = map[string]string{}
