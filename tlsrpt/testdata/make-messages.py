#!/usr/bin/env python3
"""Writes the *.eml fixtures of the tlsrpt tests with Python's email
package (not with mxkit's code), in the shapes large reporters send:
multipart/report; report-type=tlsrpt with the report as a base64
application/tlsrpt+gzip attachment (RFC 8460 section 5.3), named
submitter!domain!begin!end!id.json.gz (section 5.1), or as
application/gzip, application/octet-stream or bare JSON, and one forwarded
inside a message/rfc822 part. The reports and addresses are made up.
Run it from this directory (MIME boundaries differ from run to run)."""
import gzip, json
from email.message import EmailMessage
from email.policy import SMTP

def report(org, contact, rid, domain, policies):
    return {"organization-name": org,
            "date-range": {"start-datetime": "2026-11-30T00:00:00Z", "end-datetime": "2026-11-30T23:59:59Z"},
            "contact-info": contact, "report-id": rid, "policies": policies}

def gz(obj):
    return gzip.compress(json.dumps(obj).encode(), mtime=0)

def msg(submitter, domain, rid, sender):
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = "tlsrpt@" + domain
    m["Subject"] = "Report Domain: %s Submitter: %s Report-ID: <%s>" % (domain, submitter, rid)
    m["Date"] = "Tue, 01 Dec 2026 09:12:00 +0000"
    m["Message-ID"] = "<%s>" % rid
    m["TLS-Report-Domain"] = domain
    m["TLS-Report-Submitter"] = submitter
    m.set_content("This is an aggregate TLS report from %s.\n" % submitter)
    return m

def as_report(m):
    m.set_type("multipart/report")
    m.set_param("report-type", "tlsrpt")
    return m

sts = {"policy-type": "sts",
       "policy-string": ["version: STSv1", "mode: enforce", "mx: mx1.mail.example.org", "mx: mx2.mail.example.org", "max_age: 604800"],
       "policy-domain": "example.org", "mx-host": ["mx1.mail.example.org", "mx2.mail.example.org"]}

# A: the RFC 8460 section 5.3 layout, attachment type application/tlsrpt+gzip.
a = report("Reporter A Inc.", "smtp-tls-reporting@reporter-a.example", "2026-11-30T00:00:00Z_example.org", "example.org",
           [{"policy": sts,
             "summary": {"total-successful-session-count": 1312, "total-failure-session-count": 4},
             "failure-details": [{"result-type": "certificate-expired", "sending-mta-ip": "192.0.2.17",
                                  "receiving-mx-hostname": "mx2.mail.example.org", "receiving-ip": "198.51.100.25",
                                  "failed-session-count": 4}]}])
ma = msg("reporter-a.example", "example.org", "2026.11.30T00.00.00Z+example.org@reporter-a.example", "noreply-smtp-tls-reporting@reporter-a.example")
ma.add_attachment(gz(a), maintype="application", subtype="tlsrpt+gzip",
                  filename="reporter-a.example!example.org!1795996800!1796083199!001.json.gz")
as_report(ma)
open("reporter-a.eml", "wb").write(ma.as_bytes())

# B: no-policy-found and a DANE policy, file name only in Content-Disposition.
b = report("Reporter B Corporation", "tlsrpt-noreply@reporter-b.example", "134091234567890123+example.org", "example.org",
           [{"policy": {"policy-type": "no-policy-found", "policy-domain": "example.org"},
             "summary": {"total-successful-session-count": 77, "total-failure-session-count": 0}},
            {"policy": {"policy-type": "tlsa", "policy-string": ["3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"],
                        "policy-domain": "example.org", "mx-host": ["mx1.mail.example.org"]},
             "summary": {"total-successful-session-count": 0, "total-failure-session-count": 9},
             "failure-details": [{"result-type": "tlsa-invalid", "sending-mta-ip": "2001:db8::25",
                                  "receiving-mx-hostname": "mx1.mail.example.org", "failed-session-count": 9,
                                  "failure-reason-code": "no TLSA record matches the certificate"}]}])
mb = msg("reporter-b.example", "example.org", "134091234567890123+example.org@reporter-b.example", "tlsrpt-noreply@reporter-b.example")
mb.add_attachment(gz(b), maintype="application", subtype="tlsrpt+gzip")
part = mb.get_payload()[-1]
part.replace_header("Content-Disposition", 'attachment; filename="reporter-b.example!example.org!1795996800!1796083199.json.gz"')
as_report(mb)
open("reporter-b.eml", "wb").write(mb.as_bytes())

# C: the gzip file as application/octet-stream, the type told by its name.
mc = msg("reporter-c.example", "example.org", "c-1@reporter-c.example", "reports@reporter-c.example")
c = report("Reporter C", "reports@reporter-c.example", "c-1", "example.org",
           [{"policy": sts, "summary": {"total-successful-session-count": 3, "total-failure-session-count": 0}}])
mc.add_attachment(gz(c), maintype="application", subtype="octet-stream",
                  filename="reporter-c.example!example.org!1795996800!1796083199.json.gz")
open("reporter-c.eml", "wb").write(mc.as_bytes())

# D: uncompressed, application/tlsrpt+json.
md = msg("reporter-d.example", "example.org", "d-1@reporter-d.example", "reports@reporter-d.example")
d = report("Reporter D", "reports@reporter-d.example", "d-1", "example.org",
           [{"policy": {"policy-type": "no-policy-found", "policy-domain": "example.org"},
             "summary": {"total-successful-session-count": 12, "total-failure-session-count": 1},
             "failure-details": [{"result-type": "starttls-not-supported", "receiving-mx-hostname": "mx1.mail.example.org",
                                  "failed-session-count": 1}]}])
md.add_attachment(json.dumps(d, indent=2).encode(), maintype="application", subtype="tlsrpt+json",
                  filename="reporter-d.example!example.org!1795996800!1796083199.json")
as_report(md)
open("reporter-d.eml", "wb").write(md.as_bytes())

# E: report A forwarded by a person, as a message/rfc822 attachment.
me = EmailMessage(policy=SMTP)
me["From"] = "postmaster@example.org"
me["To"] = "tls-team@example.org"
me["Subject"] = "Fwd: TLS report"
me["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
me.set_content("See the attached report.\n")
me.add_attachment(ma)
open("forwarded.eml", "wb").write(me.as_bytes())
