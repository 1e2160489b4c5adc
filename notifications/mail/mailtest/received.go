package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Received is one message the server accepted.
type Received struct {
	From string   // the envelope sender (MAIL FROM)
	To   []string // the envelope recipients (RCPT TO)
	Data []byte   // the message as sent, headers and body
	// Header is the message's header, parsed; its values are as sent
	// (see Subject for the decoded subject).
	Header mail.Header
	// Text and HTML are the decoded text/plain and text/html parts, with
	// "\n" line ends and without the one that ends a message; empty when
	// the message has no such part.
	Text, HTML string
	// Err tells why Data could not be parsed, nil when it could.
	Err error
	// Conn is the number of the connection that carried the message,
	// from 1 on, in the order the server accepted connections.
	Conn int
	TLS  bool   // whether the connection was encrypted
	User string // whom the client signed in as, "" without AUTH
}

// Subject returns the decoded Subject header.
func (r Received) Subject() string {
	s := r.Header.Get("Subject")
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// parse fills in Header, Text and HTML from Data.
func (r *Received) parse() {
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		r.Err = fmt.Errorf("mailtest: read message: %w", err)
		return
	}
	r.Header = m.Header
	r.Err = r.walk(textproto.MIMEHeader(m.Header), m.Body)
	if !strings.HasPrefix(strings.ToLower(m.Header.Get("Content-Type")), "multipart/") {
		// A single part ends with the line end every message ends with.
		r.Text = strings.TrimSuffix(r.Text, "\n")
		r.HTML = strings.TrimSuffix(r.HTML, "\n")
	}
}

// walk decodes a part, going into multipart ones.
func (r *Received) walk(h textproto.MIMEHeader, body io.Reader) error {
	mediaType, params := "text/plain", map[string]string{}
	if ct := h.Get("Content-Type"); ct != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(ct); err != nil {
			return fmt.Errorf("mailtest: Content-Type %q: %w", ct, err)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return r.walkMultipart(body, params["boundary"])
	}
	text, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	switch {
	case mediaType == "text/plain" && r.Text == "":
		r.Text = text
	case mediaType == "text/html" && r.HTML == "":
		r.HTML = text
	}
	return nil
}

// walkMultipart walks each part of a multipart body.
func (r *Received) walkMultipart(body io.Reader, boundary string) error {
	if boundary == "" {
		return errors.New("mailtest: multipart without boundary")
	}
	mr := multipart.NewReader(body, boundary)
	for {
		// NextRawPart: the Content-Transfer-Encoding is decoded here.
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("mailtest: multipart: %w", err)
		}
		if err := r.walk(p.Header, p); err != nil {
			return err
		}
	}
}

// decode undoes a Content-Transfer-Encoding.
func decode(encoding string, body io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit", "binary":
	default:
		return "", fmt.Errorf("mailtest: unknown Content-Transfer-Encoding %q", encoding)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("mailtest: decode %s: %w", encoding, err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}
