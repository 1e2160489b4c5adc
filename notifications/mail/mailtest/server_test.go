package mailtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const multipartBody = "From: a@example.org\r\n" +
	"To: b@example.org\r\n" +
	"Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"SGVsbG8sIHfDtnJsZCEKU2Vjb25kIGxp\r\nbmUu\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"<p>Hello, w=C3=B6rld! A long line that is soft=\r\n" +
	" broken.</p>\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

// sendPlain sends one message over a new connection without TLS.
func sendPlain(t *testing.T, addr, from string, to []string, r *strings.Reader) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.SendMail(from, to, r)
}

func TestDecodesParts(t *testing.T) {
	srv := Start(t)
	err := sendPlain(t, srv.Addr(), "a@example.org", []string{"b@example.org"}, strings.NewReader(multipartBody))
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if got.Text != "Hello, wörld!\nSecond line." {
		t.Errorf("Text %q", got.Text)
	}
	if got.HTML != "<p>Hello, wörld! A long line that is soft broken.</p>" {
		t.Errorf("HTML %q", got.HTML)
	}
	if got.Subject() != "Grüße" || got.Conn != 1 || got.From != "a@example.org" {
		t.Errorf("subject %q, conn %d, from %q", got.Subject(), got.Conn, got.From)
	}
}

func TestFailNextAndURL(t *testing.T) {
	srv := Start(t, WithAuth("bot", "p@ss word"))
	if want := "smtp://bot:p%40ss%20word@" + srv.Addr(); srv.URL() != want {
		t.Errorf("URL %q, want %q", srv.URL(), want)
	}
	srv = Start(t)
	srv.FailNext(1, "421 Closing")
	srv.FailNext(1, "550 5.1.1 No such user")
	for _, want := range []string{"421 Closing", "550 5.1.1 No such user", ""} {
		err := sendPlain(t, srv.Addr(), "a@example.org", []string{"b@example.org"}, strings.NewReader("Subject: x\r\n\r\nbody\r\n"))
		got := ""
		if err != nil {
			e, ok := err.(*smtp.SMTPError)
			if !ok {
				t.Fatalf("error %T %v", err, err)
			}
			got = fmt.Sprintf("%d %s", e.Code, e.Message)
			if e.EnhancedCode != smtp.NoEnhancedCode && e.EnhancedCode != smtp.EnhancedCodeNotSet {
				got = fmt.Sprintf("%d %d.%d.%d %s", e.Code, e.EnhancedCode[0], e.EnhancedCode[1], e.EnhancedCode[2], e.Message)
			}
		}
		if got != want {
			t.Errorf("reply %q, want %q", got, want)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages kept, want the 1 accepted", n)
	}
}

// fatalTB records Fatalf instead of stopping the test.
type fatalTB struct {
	testing.TB
	failed string
}

func (f *fatalTB) Helper()                           {}
func (f *fatalTB) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestWaitFailsOnTimeout(t *testing.T) {
	srv := Start(t)
	tb := &fatalTB{TB: t}
	if got := srv.Wait(tb, 1, 20*time.Millisecond); got != nil || !strings.Contains(tb.failed, "0 of 1") {
		t.Errorf("Wait = %v, failure %q", got, tb.failed)
	}
}
