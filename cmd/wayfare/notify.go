package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail"
	"github.com/wayfare-org/wayfare/notifications/webhook"
	"github.com/wayfare-org/wayfare/store"
)

// mailOptions are the flags of outgoing mail and webhooks.
type mailOptions struct {
	smtpURL, from, delay *string
	allowPrivate         *bool
	baseURL              *string // shared with single sign-on
}

func (e *env) mailFlags(fs *flag.FlagSet, baseURL *string) *mailOptions {
	allow, _ := strconv.ParseBool(e.getenv("WAYFARE_WEBHOOK_ALLOW_PRIVATE"))
	delay := e.getenv("WAYFARE_MAIL_DELAY")
	if delay == "" {
		delay = notifications.DefaultMailDelay.String()
	}
	return &mailOptions{
		smtpURL: fs.String("smtp-url", e.getenv("WAYFARE_SMTP_URL"),
			"send mail through this `URL`: smtp://[user:pass@]host:port (STARTTLS) or smtps://… (implicit TLS) (env WAYFARE_SMTP_URL)"),
		from: fs.String("mail-from", e.getenv("WAYFARE_MAIL_FROM"),
			"the `address` mail comes from, such as \"Wayfare <wayfare@example.org>\" (env WAYFARE_MAIL_FROM)"),
		delay: fs.String("mail-delay", delay,
			"how long an immediate mail waits to be read in the browser first (env WAYFARE_MAIL_DELAY)"),
		allowPrivate: fs.Bool("webhook-allow-private", allow,
			"let webhooks reach loopback and private addresses (env WAYFARE_WEBHOOK_ALLOW_PRIVATE)"),
		baseURL: baseURL,
	}
}

// sender returns the mail transport the flags name, or nil without
// --smtp-url.
func (o *mailOptions) sender() (*mail.Sender, error) {
	if *o.smtpURL == "" {
		return nil, nil
	}
	cfg, err := mail.ParseURL(*o.smtpURL)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	if *o.from == "" {
		return nil, errors.New("--mail-from (env WAYFARE_MAIL_FROM) is required with --smtp-url")
	}
	if *o.baseURL == "" {
		return nil, errors.New("--base-url (env WAYFARE_BASE_URL) is required with --smtp-url: mail links to the pages")
	}
	if err := checkBaseURL(*o.baseURL); err != nil {
		return nil, fmt.Errorf("--base-url %s: %w", *o.baseURL, err)
	}
	s, err := mail.NewSender(cfg, *o.from)
	if err != nil {
		return nil, fmt.Errorf("--mail-from: %w", err)
	}
	return s, nil
}

func (o *mailOptions) mailDelay() (time.Duration, error) {
	d, err := time.ParseDuration(*o.delay)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--mail-delay %q: want a duration such as 5m or 30s", *o.delay)
	}
	return d, nil
}

// worker returns the notifications worker for a store.
func (e *env) worker(db *store.DB, o *mailOptions, holder string) (*notifications.Worker, error) {
	sender, err := o.sender()
	if err != nil {
		return nil, err
	}
	delay, err := o.mailDelay()
	if err != nil {
		return nil, err
	}
	cfg := notifications.Config{Store: db, Holder: holder, Logger: e.log, MailDelay: max(delay, time.Nanosecond),
		Webhooks: &notifications.Hooks{Store: db, Facts: db.Facts(), Client: webhook.NewClient(*o.allowPrivate),
			BaseURL: trimSlash(*o.baseURL)}}
	if sender != nil {
		cfg.Mail = &notifications.Post{Sender: sender, BaseURL: trimSlash(*o.baseURL), Key: db.LinkKey, Waiting: db.Waiting}
	}
	return notifications.NewWorker(cfg), nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// holderName names this process among those sharing a database.
func holderName() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid()) + ":" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// mailCmd is `wayfare mail test --to E`: one message through the
// configured server, and its exact answer.
func (e *env) mailCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		return errors.New("usage: wayfare mail test --to E [--smtp-url URL --mail-from A] [--data DIR]")
	}
	fs, data := e.flags("mail test")
	to := fs.String("to", "", "the `address` to send the test message to")
	base := fs.String("base-url", e.getenv("WAYFARE_BASE_URL"), "the `URL` people reach the server at")
	o := e.mailFlags(fs, base)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("--to is required")
	}
	if *o.smtpURL == "" {
		return errors.New("--smtp-url (env WAYFARE_SMTP_URL) is required")
	}
	if *o.baseURL == "" {
		*o.baseURL = "http://localhost"
	}
	sender, err := o.sender()
	if err != nil {
		return err
	}
	answer, sendErr := sender.Test(ctx, *to)
	if *data != "" {
		if db, err := e.open(ctx, *data); err == nil {
			_ = db.RecordMailTest(ctx, answerOf(answer, sendErr), sendErr == nil)
			db.Close()
		}
	}
	if sendErr != nil {
		return fmt.Errorf("the mail server refused: %s", answerOf(answer, sendErr))
	}
	fmt.Fprintf(e.stdout, "Sent to %s. The server answered: %s\n", *to, answer)
	return nil
}

func answerOf(answer string, err error) string {
	if answer != "" {
		return answer
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// digest is `wayfare digest --send`: it sends the digests due now.
func (e *env) digest(ctx context.Context, args []string) error {
	fs, data := e.flags("digest")
	send := fs.Bool("send", false, "send the digests that are due now")
	base := fs.String("base-url", e.getenv("WAYFARE_BASE_URL"), "the `URL` people reach the server at")
	o := e.mailFlags(fs, base)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if !*send {
		return errors.New("usage: wayfare digest --send --data DIR --smtp-url URL --mail-from A --base-url URL")
	}
	if *o.smtpURL == "" {
		return errors.New("--smtp-url (env WAYFARE_SMTP_URL) is required")
	}
	if err := e.requireDatabase(*data); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	w, err := e.worker(db, o, holderName())
	if err != nil {
		return err
	}
	n, err := w.SendDigests(ctx)
	if errors.Is(err, notifications.ErrBusy) {
		return errors.New("a running server holds the notifications of this organization: it sends the digests due within a minute")
	} else if err != nil {
		return err
	}
	if n == 1 {
		fmt.Fprintln(e.stdout, "1 digest sent.")
	} else {
		fmt.Fprintf(e.stdout, "%d digests sent.\n", n)
	}
	return nil
}
