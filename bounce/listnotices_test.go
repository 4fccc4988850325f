package bounce

import (
	"strings"
	"testing"
)

// listPost is the post a list manager returns with its refusal: sent to
// the list, from the sender.
const listPost = "From: Sender <sender@example.org>\nTo: cats@lists.example.org\nSubject: hello\nMessage-ID: <send-42@example.org>\n\nbody line\n"

// mailman21Head are the fields Mailman 2.1.29 gives a notice it sends
// itself (Message.UserNotification through the virgin queue), as a real
// notice of the GNU/Weeb list's owner shows them (7 Jan 2022, "GWML post
// from x requires approval", stored in a public mailbox archive):
// Precedence, X-BeenThere (the list), X-Mailman-Version, List-Id,
// X-List-Administrivia, Errors-To and Sender (the list's -bounces address).
const mailman21Head = "Precedence: list\nX-BeenThere: cats@lists.example.org\nX-Mailman-Version: 2.1.29\nList-Id: Cats <cats.lists.example.org>\nX-List-Administrivia: yes\nErrors-To: cats-bounces@lists.example.org\nSender: \"Cats\" <cats-bounces@lists.example.org>\n"

// mailman21Refuse is Mailman 2.1's refuse.txt as ListAdmin.__refuse()
// fills it when a moderator rejects a held post (request "Posting of your
// message titled x", the reason the moderator gave or the hold's own
// rejection notice, the owner's address), with the original message under
// its "Original Message" line.
func mailman21Refuse(reason string) string {
	return "Your request to the Cats mailing list\n\n    Posting of your message titled \"hello\"\n\nhas been rejected by the list moderator.  The moderator gave the following\nreason for rejecting your request:\n\n\"" + reason + "\"\n\nAny questions or comments should be directed to the list administrator\nat:\n\n    cats-owner@lists.example.org\n\n---------- Original Message ----------\n" + listPost
}

// mailman3Reject is Mailman 3's reject chain's notice
// (src/mailman/chains/reject.py: "Your message to the {list_name}
// mailing-list was rejected for the following reasons:", the rules'
// reasons, "The original message as received by Mailman is attached.").
func mailman3Reject(reasons string) string {
	return "\nYour message to the Cats mailing-list was rejected for the following\nreasons:\n\n" + reasons + "\n\nThe original message as received by Mailman is attached.\n"
}

// sympaDSN is Sympa 6.2's delivery_status_notification.tt2 for a post to
// a list it did not distribute: the notification part ("This is an
// automatic response sent by Sympa Mailing Lists Manager.", "Impossible to
// distribute your message for list 'x' for the following reason:" or, for
// 5.7.1, "Your message for list 'x' (attached below) was rejected."), and
// the delivery-status part Sympa::send_dsn() fills: the list as
// Final-Recipient, action failed for any status but 2.x, the status, and
// "X-Sympa;" with the IANA registry's text for the status.
func sympaDSN(status, diag string) string {
	return "Reporting-MTA: dns; lists.example.org\nArrival-Date: Sun, 06 Dec 2026 10:00:00 +0000\n\nFinal-Recipient: rfc822; cats@lists.example.org\nAction: failed\nStatus: " + status + "\nRemote-MTA: dns; lists.example.org\nDiagnostic-Code: X-Sympa; " + diag + "\n"
}

const sympaIntro = "This is an automatic response sent by Sympa Mailing Lists Manager.\n"

// mlmmjHead is the head of mlmmj's refusals as its listtexts write them
// ("Hi, this is the mlmmj program managing the mailinglist").
const mlmmjHead = "Hi, this is the mlmmj program managing the mailinglist\n\ncats@lists.example.org\n\n"

// discourseReject is Discourse's opening of every email_reject_* system
// message (config/locales/server.en.yml: "We're sorry, but your email
// message to %{destination} (titled %{former_title}) didn't work."), then
// the reason's own paragraph.
func discourseReject(text string) string {
	return "We're sorry, but your email message to replies+1a2b3c@forum.example.org (titled Re: hello) didn't work.\n\n" + text + "\n"
}

// listNotices are mailing-list managers' and group services' notices
// refusing a post, as their templates, locale files and source write
// them, or as real notices quoted in public show them, each cut to the
// lines its reading needs, addresses and hosts replaced by example ones.
// The truth of each (the list, group or reply address the post was
// refused at; the reason and hard/soft) was written from the template's
// own words and doc.go's definitions of the reasons before Parse was run
// on any of them: a refusal for who sent the post (not a member, not
// allowed to post, posting restricted, refused by a moderator) is
// rejected, the list's size limit mesgtoobig, a list's rule on the
// message's addressing or on what matched an administrator's rule its
// local policy (policyviolation), an address that is no list an unknown
// user, the list's own failure a system error.
//
// First contact (main at c4b4403), 36 notices of 10 products (Mailman
// 2.1 and 3, Sympa, mlmmj, ezmlm-idx, a Google Workspace group,
// Groups.io, Discourse, DoList, LISTSERV): read as a bounce 10, the right
// recipient 10, the right reason 4, hard/soft 10. The 26 not read as a
// bounce at all are every notice a list manager writes in its own words
// and sends from the list's own addresses (Mailman's, mlmmj's, Sympa's
// moderator refusal, ezmlm's returned post, Discourse's, DoList's,
// LISTSERV's); of the ten read, Sympa's 5.7.1 refusals were read as
// filtered and its 5.2.3 as exceedlimit, ezmlm-idx's "#5.7.2" refusal as
// a system error and its "#5.7.0" rule as a security error, mlmmj's
// access rule as onhold. The nine notices that report no failure were
// read as none; a tenth, a list post quoting a refusal, was added with
// the readings below to hold them to the notices' own senders.
//
// After the readings their sources give (text.go: listNotice and
// listNoticeRecipient; phrases.go: listSenderPhrases, listPolicyPhrases,
// Mailman's and mlmmj's size words, Discourse's unrecognized error;
// classify.go: Sympa's X-Sympa statuses; rules.go: RFC 3463's x.7.2):
// a bounce 36, recipient 36, reason 36, hard/soft 36; none of the ten
// non-failure notices read as a failure. TestListNotices holds floors
// just under these.
var listNotices = []formatCase{
	// Mailman 2.1, Moderate.py do_reject(): a non-member's post refused
	// by the list's generic_nonmember_action (reject), raised as
	// RejectMessage and sent back by Bouncer.BounceMessage(): from the
	// list's owner address, under the post's own subject, the notice as a
	// text part and the post attached.
	{name: "Mailman 2.1, non-member automatically rejected", from: "cats-owner@lists.example.org", subject: "hello", header: mailman21Head, action: "failed",
		body:     "You are not allowed to post to this mailing list, and your message has been\nautomatically rejected.  If you think that your messages are being rejected in\nerror, contact the mailing list owner at cats-owner@lists.example.org.\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not allowed to post"}}},
	// Mailman 2.1, a held non-member post rejected by the moderator with
	// the hold's own rejection notice (Hold.py NonMemberPost: "Non-members
	// are not allowed to post messages to this list."), through
	// ListAdmin.__refuse(): "Request to mailing list %(realname)s
	// rejected", from the list's -bounces address (2.1.x).
	{name: "Mailman 2.1, moderator refuses a non-member", from: "cats-bounces@lists.example.org", subject: "Request to mailing list Cats rejected", header: mailman21Head, action: "failed",
		body: mailman21Refuse("Non-members are not allowed to post messages to this list."),
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "Non-members are not allowed"}}},
	// Mailman 2.1, Hold.py NotExplicitlyAllowed ("Posting to a restricted
	// list by sender requires approval"), its rejection notice "This list
	// is restricted; your message was not approved."
	{name: "Mailman 2.1, restricted list, not approved", from: "cats-bounces@lists.example.org", subject: "Request to mailing list Cats rejected", header: mailman21Head, action: "failed",
		body: mailman21Refuse("This list is restricted; your message was not approved."),
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "restricted"}}},
	// Mailman 2.1, Hold.py ImplicitDestination ("Message has implicit
	// destination"): "Blind carbon copies or other implicit destinations
	// are not allowed. Try reposting your message by explicitly including
	// the list address in the To: or Cc: fields." A rule of the list on
	// the post's addressing, not on its sender: its local policy.
	{name: "Mailman 2.1, implicit destination", from: "cats-bounces@lists.example.org", subject: "Request to mailing list Cats rejected", header: mailman21Head, action: "failed",
		body: mailman21Refuse("Blind carbon copies or other implicit destinations are\nnot allowed.  Try reposting your message by explicitly including the list\naddress in the To: or Cc: fields."),
		want: []formatWant{{"cats@lists.example.org", PolicyViolation, false, "5", "implicit destinations"}}},
	// Mailman 2.1, Hold.py MessageTooBig ("Message body is too big"), its
	// rejection notice "Your message was too big; please trim it to less
	// than %(kb)s KB in size." (the list's max_message_size).
	{name: "Mailman 2.1, message too big", from: "cats-bounces@lists.example.org", subject: "Request to mailing list Cats rejected", header: mailman21Head, action: "failed",
		body: mailman21Refuse("Your message was too big; please trim it to less than\n40 KB in size."),
		want: []formatWant{{"cats@lists.example.org", MesgTooBig, false, "5", "too big"}}},
	// Mailman 2.1, a moderator's own words as the reason: the post refused
	// by the moderator (the list's "Post to moderated list").
	{name: "Mailman 2.1, moderator's own reason", from: "cats-bounces@lists.example.org", subject: "Request to mailing list Cats rejected", header: mailman21Head, action: "failed",
		body: mailman21Refuse("[No reason given]"),
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "rejected by the list moderator"}}},
	// Mailman 3, the reject chain's notice (src/mailman/chains/reject.py),
	// from the list's -owner address under the post's subject, Precedence
	// bulk, the post attached (src/mailman/app/docs/bounces.rst), with the
	// nonmember rule's reason "The message is not from a list member" as
	// Joe Perches quoted the Linux-nfc list's notice on netdev (1 Jun
	// 2021, "MAINTAINERS: nfc mailing lists are subscribers-only").
	{name: "Mailman 3, not from a list member", from: "cats-owner@lists.example.org", subject: "hello", header: "Precedence: bulk\n", action: "failed",
		body:     mailman3Reject("The message is not from a list member"),
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not from a list member"}}},
	// Mailman 3, the same with the list only in the post's Cc (a reply to
	// a person, copied to the list).
	{name: "Mailman 3, list in Cc", from: "cats-owner@lists.example.org", subject: "Re: hello", header: "Precedence: bulk\n", action: "failed",
		body:     mailman3Reject("The message is not from a list member"),
		attached: "From: Sender <sender@example.org>\nTo: Someone <someone@example.net>\nCc: cats@lists.example.org\nSubject: Re: hello\nMessage-ID: <send-43@example.org>\n\nbody line\n",
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not from a list member"}}},
	// Mailman 3's DMARC mitigation refusing a post from a domain whose
	// DMARC policy is reject or quarantine (src/mailman/rules/docs/
	// dmarc-moderation.rst, the notice in full): the sender's domain
	// refused.
	{name: "Mailman 3, DMARC policy of the sender's domain", from: "cats-owner@lists.example.org", subject: "A posted message", header: "Precedence: bulk\n", action: "failed",
		body:     mailman3Reject("You are not allowed to post to this mailing list From: a domain which\npublishes a DMARC policy of reject or quarantine, and your message has\nbeen automatically rejected.  If you think that your messages are\nbeing rejected in error, contact the mailing list owner at\ncats-owner@lists.example.org."),
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not allowed to post"}}},
	// Mailman 3, the implicit-dest rule's reason "Message has implicit
	// destination" (a rule on the post's addressing: local policy).
	{name: "Mailman 3, implicit destination", from: "cats-owner@lists.example.org", subject: "hello", header: "Precedence: bulk\n", action: "failed",
		body:     mailman3Reject("Message has implicit destination"),
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", PolicyViolation, false, "5", "implicit destination"}}},
	// Mailman 3's refuse template (src/mailman/templates/en/refuse.txt, as
	// 2.1's), under its subject 'Request to mailing list "Cats" rejected'.
	{name: "Mailman 3, moderator refuses", from: "cats-bounces@lists.example.org", subject: "Request to mailing list \"Cats\" rejected", header: "Precedence: bulk\nList-Id: <cats.lists.example.org>\n", action: "failed",
		body: "Your request to the cats@lists.example.org mailing list\n\n    Posting of your message titled \"hello\"\n\nhas been rejected by the list moderator.  The moderator gave the\nfollowing reason for rejecting your request:\n\n\"Off topic for this list\"\n\nAny questions or comments should be directed to the list administrator\nat:\n\n    cats-owner@lists.example.org\n",
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "rejected by the list moderator"}}},
	// Sympa 6.2, Sympa::send_dsn() for a post its scenario refused
	// (status 5.7.1, "Message distribution: Authorization denied", the
	// reason from authorization_reject: send_subscriber "Message
	// distribution in the list is restricted to list subscribers.").
	{name: "Sympa, restricted to subscribers", from: "SYMPA <sympa@lists.example.org>", subject: "Message distribution: Authorization denied", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:     sympaIntro + "Your message for list 'cats' (attached below) was rejected.\nYou are not allowed to send this message for the following reason:\n\n Message distribution in the list is restricted to list subscribers.\nIf you are subscribed to the list with a different email address, you should either use that other email address or update your list membership with the new email address.\n\nFor further information, please contact cats-request@lists.example.org\n",
		report:   sympaDSN("5.7.1", "Delivery not authorized, message refused"),
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5.7.1", ""}}},
	// Sympa 6.2, send_editor: "Message distribution for this list is
	// restricted to list moderators."
	{name: "Sympa, restricted to moderators", from: "SYMPA <sympa@lists.example.org>", subject: "Message distribution: Authorization denied", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:     sympaIntro + "Your message for list 'cats' (attached below) was rejected.\nYou are not allowed to send this message for the following reason:\n\n Message distribution for this list is restricted to list moderators.\n\nFor further information, please contact cats-request@lists.example.org\n",
		report:   sympaDSN("5.7.1", "Delivery not authorized, message refused"),
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5.7.1", ""}}},
	// Sympa 6.2, a post to an address that is no list (status 5.1.1,
	// "List unknown", "The following address is not a known mailing
	// list:").
	{name: "Sympa, list unknown", from: "SYMPA <sympa@lists.example.org>", subject: "List unknown", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:   sympaIntro + "Impossible to distribute your message for list 'cats@lists.example.org' for the following reason:\n\nThe following address is not a known mailing list:\n\n    cats@lists.example.org\n\nFor further information, please contact listmaster@lists.example.org\n",
		report: sympaDSN("5.1.1", "Bad destination mailbox address"),
		want:   []formatWant{{"cats@lists.example.org", UserUnknown, true, "5.1.1", ""}}},
	// Sympa 6.2, 5.2.3 "Too large message": "Your message could not be
	// sent because its size (%1 kB) was over the maximum size (%2 kB)
	// allowed on this list."
	{name: "Sympa, too large", from: "SYMPA <sympa@lists.example.org>", subject: "Too large message", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:   sympaIntro + "Impossible to distribute your message for list 'cats@lists.example.org' for the following reason:\n\nYour message could not be sent because its size (2048 kB) was over the maximum size (1024 kB) allowed on this list.\n",
		report: sympaDSN("5.2.3", "Message length exceeds administrative limit"),
		want:   []formatWant{{"cats@lists.example.org", MesgTooBig, false, "5.2.3", ""}}},
	// Sympa's reject.tt2, a moderator's refusal: "Your message has been
	// rejected.", "Your message for list %1@%2 has been rejected by the
	// moderator (%3).", "(Subject of your mail: %1)", from the list's
	// -request address.
	{name: "Sympa, rejected by the moderator", from: "cats-request@lists.example.org", subject: "Your message has been rejected.", action: "failed",
		body: "Your message for list cats@lists.example.org\nhas been rejected by the moderator (moderator@example.net).\n\n(Subject of your mail: hello)\n\n\nCheck cats list usage:\nhttps://lists.example.org/sympa/info/cats\n",
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "rejected by the moderator"}}},
	// mlmmj's listtexts/en/subonlypost: "$listaddr$ is a subscribers only
	// list", "but this address is not subscribed, and only subscribers may
	// post to the list.", "(The denied message is below.)", the post as a
	// message/rfc822 part; mlmmj sends it from the list's +owner address.
	{name: "mlmmj, subscribers only", from: "cats+owner@lists.example.org", subject: "cats@lists.example.org is a subscribers only list", action: "failed",
		body:     mlmmjHead + "Your post with subject line\n\nhello\n\ncame from the email address\n\nsender@example.org\n\nbut this address is not subscribed, and only subscribers may post to\nthe list.\n\n(The denied message is below.)\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "only subscribers may post"}}},
	// mlmmj's listtexts/en/access: "Post to $listaddr$ denied", "Your mail
	// was rejected because it matched a rule set up by the list
	// administrator." (an access rule of the list: local policy).
	{name: "mlmmj, access rule", from: "cats+owner@lists.example.org", subject: "Post to cats@lists.example.org denied", action: "failed",
		body:     mlmmjHead + "I'm sorry to inform you that your message with subject line\n\nhello\n\ncould not be delivered to the list. Your mail was rejected because it\nmatched a rule set up by the list administrator.\n\nThanks.\n\n(The denied message is below.)\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", PolicyViolation, false, "5", "rule set up by the list administrator"}}},
	// mlmmj's later listtexts (en/deny-post, the mlmmj-listtexts
	// repository as git.stargrave.org serves it): "Post to $list$@$domain$
	// denied: $subject$", "The message from $posteraddr$ with subject ...
	// was unable to be delivered to the list", then the reason:
	// subonlypost "because you are not a list subscriber."
	{name: "mlmmj deny-post, not a subscriber", from: "cats+owner@lists.example.org", subject: "Post to cats@lists.example.org denied: hello", action: "failed",
		body:     "The message from sender@example.org with subject \"hello\" was unable\nto be delivered to the list\n  because you are not a list subscriber.\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not a list subscriber"}}},
	// mlmmj deny-post, maxmailsize: "because it exceeded the maximum
	// allowed message size of $maxmailsize$ bytes."
	{name: "mlmmj deny-post, too big", from: "cats+owner@lists.example.org", subject: "Post to cats@lists.example.org denied: hello", action: "failed",
		body:     "The message from sender@example.org with subject \"hello\" was unable\nto be delivered to the list\n  because it exceeded the maximum allowed message size of 100000\n  bytes.\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", MesgTooBig, false, "5", "maximum allowed message size"}}},
	// mlmmj deny-post, reject: "because a moderator rejected it."
	{name: "mlmmj deny-post, moderator rejected", from: "cats+owner@lists.example.org", subject: "Post to cats@lists.example.org denied: hello", action: "failed",
		body:     "The message from sender@example.org with subject \"hello\" was unable\nto be delivered to the list\n  because a moderator rejected it.\n",
		attached: listPost,
		want:     []formatWant{{"cats@lists.example.org", Rejected, false, "5", "moderator rejected"}}},
	// ezmlm-idx through qmail-send: ezmlm-reject's and ezmlm-issubn's
	// refusals are their exit text, which qmail-send puts under the list's
	// address (lang/en_US/text/messages: ERR_NO_POST "I'm sorry, you are
	// not allowed to post messages to this list (#5.7.2)").
	{name: "ezmlm-idx, not allowed to post", from: "MAILER-DAEMON@lists.example.org", subject: "failure notice", action: "failed",
		body: qmailPre + "<cats@lists.example.org>:\nI'm sorry, you are not allowed to post messages to this list (#5.7.2)\n\n" + qmailCopy,
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not allowed to post"}}},
	// ezmlm-idx ERR_NO_ADDRESS: "List address must be in To: or Cc:
	// (#5.7.0)" (ezmlm-reject's rule on the post's addressing).
	{name: "ezmlm-idx, list address not in To or Cc", from: "MAILER-DAEMON@lists.example.org", subject: "failure notice", action: "failed",
		body: qmailPre + "<cats@lists.example.org>:\nList address must be in To: or Cc: (#5.7.0)\n\n" + qmailCopy,
		want: []formatWant{{"cats@lists.example.org", PolicyViolation, false, "5", "List address must be in To: or Cc:"}}},
	// ezmlm-idx ERR_MAX_SIZE: "Sorry, I don't accept messages larger than
	// <#1#> bytes (#5.2.3)" (the list's msgsize limit).
	{name: "ezmlm-idx, too large", from: "MAILER-DAEMON@lists.example.org", subject: "failure notice", action: "failed",
		body: qmailPre + "<cats@lists.example.org>:\nSorry, I don't accept messages larger than 100000 bytes (#5.2.3)\n\n" + qmailCopy,
		want: []formatWant{{"cats@lists.example.org", MesgTooBig, false, "5", "larger than"}}},
	// ezmlm-idx's moderator refusal (lang/en_US/text/mod-reject: "I'm
	// sorry, your message (enclosed) was not accepted by the moderator.")
	// under SUB_RETURNED_POST "Returned post for <#L#>@<#H#>", with the
	// Mailing-List field every ezmlm message carries.
	{name: "ezmlm-idx, returned post", from: "cats-owner@lists.example.org", subject: "Returned post for cats@lists.example.org", header: "Mailing-List: contact cats-help@lists.example.org; run by ezmlm\n", action: "failed",
		body: "I'm sorry, your message (enclosed) was not accepted by the moderator.\nIf the moderator has made any comments, they are shown below.\n\n" + listPost,
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not accepted by the moderator"}}},
	// A Google Workspace group on its own domain: Gmail's notice as for
	// Google Groups, signed by the domain's administrators ("Thanks,
	// example.org admins"), the group in X-Failed-Recipients (the notice
	// as a Go reply classifier's test data holds it, replyclassify,
	// groupRejection).
	{name: "Google Workspace group, no permission to post", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", header: "X-Failed-Recipients: info@example.net\n", action: "failed",
		body: "Hello sender@example.org,\n\nWe're writing to let you know that the group you tried to contact (info) may not exist, or you may not have permission to post messages to the group. A few more details on why you weren't able to post:\n\n * You might have spelled or formatted the group name incorrectly.\n * The owner of the group may have removed this group.\n\nThanks,\n\nexample.net admins\n\n\n\n----- Original message -----\n\nFrom: \"Sender\" <sender@example.org>\nTo: info@example.net\nSubject: Inquiry\nMessage-ID: <a8fcccd2@example.org>\n",
		want: []formatWant{{"info@example.net", Rejected, false, "5", "permission to post"}}},
	// Groups.io's refusal of a non-member at RCPT ("510 5.1.1 Your email
	// address, x, is not subscribed to that group. To subscribe, send an
	// email to <group>+subscribe@groups.io", as phrases.go cites it) in
	// Postfix's notice.
	{name: "Groups.io, not subscribed, in Postfix's notice", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<cats@groups.example.net>: host mx.groups.example.net[192.0.2.5] said: 510 5.1.1\n    Your email address, sender@example.org, is not subscribed to that group.\n    To subscribe, send an email to cats+subscribe@groups.example.net (in reply\n    to RCPT TO command)\n",
		want: []formatWant{{"cats@groups.example.net", Rejected, false, "5.1.1", "not subscribed to that group"}}},
	// Discourse's email_reject_insufficient_trust_level ("Email issue --
	// Insufficient Trust Level": "Your account does not have the required
	// trust level to post new topics to this email address.").
	{name: "Discourse, insufficient trust level", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- Insufficient Trust Level", action: "failed",
		body: discourseReject("Your account does not have the required trust level to post new topics to this email address. If you believe this is an error, [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", Rejected, false, "5", "trust level"}}},
	// Discourse's email_reject_user_not_found: "Your reply was sent from
	// an unknown email address."
	{name: "Discourse, user not found", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- User Not Found", action: "failed",
		body: discourseReject("Your reply was sent from an unknown email address. Try sending from another email address, or [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", Rejected, false, "5", "unknown email address"}}},
	// Discourse's email_reject_screened_email: "Your reply was sent from a
	// blocked email address."
	{name: "Discourse, blocked email address", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- Blocked Email", action: "failed",
		body: discourseReject("Your reply was sent from a blocked email address. Try sending from another email address, or [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", Rejected, false, "5", "blocked email address"}}},
	// Discourse's email_reject_strangers_not_allowed: "The category you
	// sent this email to only allows replies from users with valid
	// accounts and known email addresses."
	{name: "Discourse, strangers not allowed", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- Invalid Access", action: "failed",
		body: discourseReject("The category you sent this email to only allows replies from users with valid accounts and known email addresses. If you believe this is an error, [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", Rejected, false, "5", "valid accounts"}}},
	// Discourse's email_reject_reply_not_allowed: "You don't have
	// permissions to reply to the topic."
	{name: "Discourse, reply not allowed", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- Reply Not Allowed", action: "failed",
		body: discourseReject("You don't have permissions to reply to the topic. If you believe this is an error, [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", Rejected, false, "5", "permissions to reply"}}},
	// Discourse's email_reject_unrecognized_error: "There was an
	// unrecognized error while processing your email and it wasn't
	// posted." (the forum's own failure).
	{name: "Discourse, unrecognized error", from: "Forum <noreply@forum.example.org>", subject: "[Forum] Email issue -- Unrecognized Error", action: "failed",
		body: discourseReject("There was an unrecognized error while processing your email and it wasn't posted. You should try again, or [contact a staff member](https://forum.example.org/about)."),
		want: []formatWant{{"replies+1a2b3c@forum.example.org", SystemError, false, "5", "unrecognized error"}}},
	// DoList's template/common-en/notposted.txt (its 4.0 distribution):
	// "You cannot post to '#ULIST#'", "You have sent an email to
	// <#LIST#@#SERVER_NAME#> but your mail has been refused for one of
	// the following reasons : - You are not a subscriber to #LIST# list,
	// or ...", from its command account.
	{name: "DoList, cannot post", from: "listserver@lists.example.org", subject: "You cannot post to 'CATS'", action: "failed",
		body: "You have sent an email to <cats@lists.example.org>\nbut your mail has been refused for one\nof the following reasons :\n\n- You are not a subscriber to cats list, or\n\n- You have posted from a different address (alias)\n  and not the address you used to subscribe to 'cats' list, or\n\n- The list is a read-only announcements list and you are\n  not the list owner or moderator.\n\n- You're not allowed to post.\n\nIf you have any further problems, please contact the\nListserver administrator at :\n\n        owner@lists.example.org\n",
		want: []formatWant{{"cats@lists.example.org", Rejected, false, "5", "not a subscriber"}}},
	// L-Soft LISTSERV: a post from an address it does not know on a
	// private list (Send= Private) is refused; list owners' FAQs report it
	// as "an error message that says you are not authorized to post to
	// the list" (WOU's LISTSERV FAQ, "Not Authorized" error message; the
	// University of Georgia's: LISTSERV "replied 'you are not authorized
	// to post'"). No stored copy of the whole notice was found: the body
	// is the sentence as the FAQs quote it, with the list named, and the
	// subject no source gives ("Rejected posting to <list>", the list's
	// address in it; no subject of listNoticeSubjects): the notice is read
	// as one for its LISTSERV@ sender.
	{name: "LISTSERV, not authorized", from: "LISTSERV@LISTSERV.EXAMPLE.EDU", subject: "Rejected posting to CATS-L@LISTSERV.EXAMPLE.EDU", action: "failed",
		body: "You are not authorized to post to the CATS-L list.\n",
		want: []formatWant{{"CATS-L@LISTSERV.EXAMPLE.EDU", Rejected, false, "5", "not authorized"}}},
	// LISTSERV's refusal of mail from an address it has served out
	// (Syracuse's LISTSERV help: "An error occurred while processing file
	// 12345678 from x: Mail has been received for delivery to the XXXXXXXX
	// list from a user that had been served out").
	{name: "LISTSERV, served out", from: "LISTSERV@LISTSERV.EXAMPLE.EDU", subject: "Rejected posting to CATS-L@LISTSERV.EXAMPLE.EDU", action: "failed",
		body: "An error occurred while processing file 12345678 from sender@example.org:\n\"Mail has been received for delivery to the CATS-L list from a user that had\nbeen served out\".\n",
		want: []formatWant{{"CATS-L@LISTSERV.EXAMPLE.EDU", Rejected, false, "5", "served out"}}},
}

// listNotBounces are notices of the same products that report no failed
// delivery of the receiver's mail: a post held for a moderator, a
// request to the list's owner, a notice that the receiver's own mailbox
// bounces. None may give a failed or delayed recipient.
var listNotBounces = []formatCase{
	// Mailman 2.1's postheld.txt, "Your message to %(listname)s awaits
	// moderator approval" (Hold.py hold_for_approval()): the post is held,
	// not refused, with Hold.py's reason NonMemberPost "Post by non-member
	// to a members-only list".
	{name: "Mailman 2.1, held for approval", from: "cats-bounces@lists.example.org", subject: "Your message to Cats awaits moderator approval", header: mailman21Head,
		body: "Your mail to 'Cats' with the subject\n\n    hello\n\nIs being held until the list moderator can review it for approval.\n\nThe reason it is being held:\n\n    Post by non-member to a members-only list\n\nEither the message will get posted to the list, or you will receive\nnotification of the moderator's decision.\n"},
	// Mailman 2.1's request to the owner to approve a held post, as the
	// GNU/Weeb list's owner received it (see mailman21Head): "As list
	// administrator, your authorization is requested for the following
	// mailing list posting", the post attached.
	{name: "Mailman 2.1, owner asked to approve", from: "cats-owner@lists.example.org", subject: "Cats post from sender@example.org requires approval", header: mailman21Head,
		body:     "As list administrator, your authorization is requested for the\nfollowing mailing list posting:\n\n    List:    cats@lists.example.org\n    From:    sender@example.org\n    Subject: hello\n    Reason:  Post by non-member to a members-only list\n\nAt your convenience, visit:\n\n    https://lists.example.org/admindb/cats\n\nto approve or deny the request.\n",
		attached: listPost},
	// Mailman 2.1's auto-discard notice to the list's owners (Moderate.py
	// do_discard(): "Auto-discard notification", "The attached message has
	// been automatically discarded."): another sender's post, reported to
	// the owner.
	{name: "Mailman 2.1, auto-discard notification", from: "cats-owner@lists.example.org", subject: "Auto-discard notification", header: mailman21Head,
		body:     "The attached message has been automatically discarded.\n",
		attached: listPost},
	// Sympa's DSN for a post forwarded to the moderators (status 2.3.0,
	// "Message distribution: Forwarded", "Your message to the list '%1'
	// has been forwarded to the moderator(s)"), action delivered.
	{name: "Sympa, forwarded to the moderators", from: "SYMPA <sympa@lists.example.org>", subject: "Message distribution: Forwarded", header: "Auto-Submitted: auto-replied\n",
		body:   sympaIntro + "Your message to the list 'cats' has been forwarded to the moderator(s)\n",
		report: "Reporting-MTA: dns; lists.example.org\n\nFinal-Recipient: rfc822; cats@lists.example.org\nAction: delivered\nStatus: 2.3.0\nRemote-MTA: dns; lists.example.org\nDiagnostic-Code: X-Sympa; Other or undefined mail system status\n"},
	// ezmlm-idx's post-confirm (SUB_CONFIRM_POST "Confirm post to
	// <#L#>@<#H#>": "every sender must confirm its own posts").
	{name: "ezmlm-idx, confirm post", from: "cats-help@lists.example.org", subject: "Confirm post to cats@lists.example.org", header: "Mailing-List: contact cats-help@lists.example.org; run by ezmlm\n",
		body: "It seems you have submitted the enclosed message to the\ncats@lists.example.org mailing list.\nTo prevent mailing list abuse, every sender must confirm its own\nposts. If you'd like to confirm distribution to your message to\nall the subscribers, please e-mail:\n\ncats-confirm-1a2b3c@lists.example.org\n\nIf you don't confirm post, simply ignore this message.\n\n--- Enclosed, please find the posted message.\n\n" + listPost},
	// Majordomo 1's resend passing a non-member's post to the list's
	// owner for approval ("BOUNCE list@host: Non-member submission from
	// [x]", as linux-mips' archive of SGI's list keeps such notices, 1998
	// and 2000).
	{name: "Majordomo, non-member submission to the owner", from: "owner-cats@lists.example.org", subject: "BOUNCE cats@lists.example.org:    Non-member submission from [Sender <sender@example.org>]",
		body: listPost},
	// Petidomo's notice to the owner of a closed list (archive.c: "The
	// following posting was rejected, because the sender \"x\" is not
	// subscribed to the list:"), with Precedence junk.
	{name: "Petidomo, rejected posting reported to the owner", from: "cats-owner@lists.example.org (Petidomo Mailing List Server)", subject: "Petidomo: BOUNCE cats@lists.example.org: Non-member submission from \"sender@example.org\"", header: "Precedence: junk\nSender: cats-owner@lists.example.org\n",
		body: "The following posting was rejected, because the sender\n\"sender@example.org\" is not subscribed to the list:\n\n" + listPost},
	// Discourse's email_revoked ("Is your email address correct?": "Our
	// last few emails to you have all bounced back as undeliverable."):
	// the receiver's own mailbox bounced the forum's mail.
	{name: "Discourse, email revoked", from: "Forum <noreply@forum.example.org>", subject: "Is your email address correct?",
		body: "We're sorry, but we're having trouble reaching you via email. Our last few emails to you have all bounced back as undeliverable.\n\nCan you make sure [your email address](https://forum.example.org/my/preferences/email) is valid and working?\n"},
	// A post that quotes a list's refusal unindented: Joe Perches on
	// netdev (1 Jun 2021, "[PATCH] MAINTAINERS: nfc mailing lists are
	// subscribers-only"), from a person, through the list (its List-ID),
	// quoting Mailman 3's notice between dashes.
	{name: "a list post quoting a refusal", from: "Joe Perches <joe@perches.example>", subject: "[PATCH] MAINTAINERS: nfc mailing lists are subscribers-only", header: "Precedence: bulk\nList-ID: <netdev.vger.kernel.example>\nX-Mailing-List: netdev@vger.kernel.example\n",
		body: "It looks as if the MAINTAINERS entries for the nfc mailing list\nshould be updated as I just got a \"rejected\" bounce from the nfc list.\n\n-------\nYour message to the Linux-nfc mailing-list was rejected for the following\nreasons:\n\nThe message is not from a list member\n-------\n\nSigned-off-by: Joe Perches <joe@perches.example>\n"},
	// Groups.io's bounce probe ("Your Groups.io Account Is Bouncing",
	// "Recently, emails sent to you have bounced back to us."), as its
	// group managers' wiki shows it.
	{name: "Groups.io, account is bouncing", from: "\"Groups.io\" <noreply@groups.example.net>", subject: "Your Groups.io Account Is Bouncing",
		body: "Hello,\n\nRecently, emails sent to you have bounced back to us. This can be for many reasons, including:\n- We have an incorrect email address for you.\n- Your account was or is full.\n- Other temporary delivery issues.\n\nWe have suspended email delivery to you.\n\nThank you,\nThe Groups.io Team\n"},
}

// TestListNotices reads each notice of listNotices and scores it: read as
// a bounce at all, the right recipient, its reason and hard/soft; each
// miss is logged. The floors sit just under what Parse reaches.
func TestListNotices(t *testing.T) {
	var bounce, rcpt, reason, hard int
	for _, tc := range listNotices {
		rep, err := Parse(strings.NewReader(tc.message()))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		w := tc.want[0]
		if rep.Kind != KindNonStandard && rep.Kind != KindDSN || len(rep.Recipients) == 0 {
			t.Logf("miss %s: kind %v, %d recipients", tc.name, rep.Kind, len(rep.Recipients))
			continue
		}
		bounce++
		var got *Recipient
		for i := range rep.Recipients {
			if strings.EqualFold(rep.Recipients[i].FinalRecipient, w.rcpt) {
				got = &rep.Recipients[i]
			}
		}
		if got == nil || len(rep.Recipients) != 1 {
			var as []string
			for _, r := range rep.Recipients {
				as = append(as, r.FinalRecipient+" "+string(r.Reason))
			}
			t.Logf("miss %s: recipients %q, want %s", tc.name, as, w.rcpt)
			continue
		}
		rcpt++
		if got.Reason == w.reason {
			reason++
		} else {
			t.Logf("miss %s: reason %s, want %s (diag %q)", tc.name, got.Reason, w.reason, got.DiagnosticCode)
		}
		if got.Hard == w.hard {
			hard++
		}
		if got.Action != "failed" {
			t.Logf("miss %s: action %q", tc.name, got.Action)
		}
	}
	n := len(listNotices)
	t.Logf("list notices: %d, a bounce %d, recipient %d, reason %d, hard/soft %d", n, bounce, rcpt, reason, hard)
	if n < 30 {
		t.Errorf("%d notices, want at least 30", n)
	}
	for _, f := range []struct {
		name       string
		got, floor int
	}{{"bounce", bounce, 35}, {"recipient", rcpt, 35}, {"reason", reason, 34}, {"hard/soft", hard, 35}} {
		if f.got < f.floor {
			t.Errorf("%s %d, below its floor %d", f.name, f.got, f.floor)
		}
	}
	for _, tc := range listNotBounces {
		rep, err := Parse(strings.NewReader(tc.message()))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for _, r := range rep.Recipients {
			if r.Action == "failed" || r.Action == "delayed" {
				t.Errorf("%s: %s %s, a %s recipient of a notice that reports no failure", tc.name, r.FinalRecipient, r.Reason, r.Action)
			}
		}
	}
}
