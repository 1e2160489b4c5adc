package notifications

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wayfare-org/wayfare"
)

// Store is what the worker needs of the database. Every method is safe to
// call from several processes at once: positions move by compare-and-set,
// and each job runs under a lease.
type Store interface {
	Facts() Facts
	// NoticePosition returns the newest act notices were derived from and
	// up to limit acts after it, oldest first.
	NoticePosition(ctx context.Context, limit int) (wayfare.ID, []*wayfare.Act, error)
	// RecordNotices writes notices and moves the position from from to to
	// in one transaction; ErrPositionMoved if it had moved.
	RecordNotices(ctx context.Context, from, to wayfare.ID, notices []Notice, d Delivery) (int, error)
	DueRounds(ctx context.Context, now time.Time) ([]Due, error)
	RecordDue(ctx context.Context, notices []Notice, mailAt time.Time) (int, error)
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
	DueMail(ctx context.Context, now time.Time, limit int) ([]*Mail, error)
	MailDone(ctx context.Context, done []Sent) error
	DueDigests(ctx context.Context, now time.Time, limit int) ([]wayfare.ID, error)
	TakeDigests(ctx context.Context, people []wayfare.ID, now time.Time) (int, error)
	Waiting(ctx context.Context, personID wayfare.ID) ([]Notification, error)
	LinkKey(ctx context.Context) ([]byte, error)
}

// Config sets a worker up.
type Config struct {
	Store Store
	// Mail sends e-mail; nil when no mail server is configured (the inbox
	// still fills).
	Mail Postman
	// MailDelay is how long an immediate mail waits for its notification
	// to be read in the browser; DefaultMailDelay when zero.
	MailDelay time.Duration
	// Webhooks delivers to webhook endpoints; nil delivers none.
	Webhooks WebhookRunner
	// Holder names this process among those that share the database.
	Holder string
	Logger *slog.Logger
	Now    func() time.Time
	// Every is how often the worker looks for work without being woken:
	// deadlines, due mail and digests; DefaultEvery when zero.
	Every time.Duration
}

// The worker's defaults.
const (
	DefaultMailDelay = 5 * time.Minute
	DefaultEvery     = time.Second
	leaseTTL         = 15 * time.Second
	// LeaseName names the lease of the notifications' work.
	LeaseName = "notifications"
	batchActs = 500
)

// Postman sends the mails of the outbox and says what became of each.
type Postman interface {
	Post(ctx context.Context, mails []*Mail, now time.Time) []Sent
}

// WebhookRunner delivers the webhook requests that are due.
type WebhookRunner interface {
	RunDue(ctx context.Context, now time.Time) error
}

// Worker turns the ledger into notices, mail and webhook deliveries.
type Worker struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	lastDue   time.Time
	lastBrief time.Time
	heldUntil time.Time // the lease is ours until then, as far as we know
}

// settle is how long the worker lets acts gather after it is woken, so
// that a burst of acts is one cycle of work, not one each.
const settle = 100 * time.Millisecond

// NewWorker returns a worker; Run starts it.
func NewWorker(cfg Config) *Worker {
	w := &Worker{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.cfg.MailDelay == 0 {
		w.cfg.MailDelay = DefaultMailDelay
	}
	if w.cfg.Every <= 0 {
		w.cfg.Every = DefaultEvery
	}
	return w
}

// Run works until ctx ends, then gives its lease up. Acts arriving on wake
// (a ledger subscription) make it look at once rather than at its next tick.
func (w *Worker) Run(ctx context.Context, wake <-chan *wayfare.Act) {
	tick := time.NewTicker(w.cfg.Every)
	defer tick.Stop()
	for {
		if err := w.Cycle(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			_ = w.cfg.Store.Release(context.WithoutCancel(ctx), LeaseName, w.cfg.Holder)
			return
		case <-tick.C:
		case _, ok := <-wake:
			if !ok {
				wake = nil
			}
			select {
			case <-ctx.Done():
			case <-time.After(settle):
			}
			drain(wake)
		}
	}
}

// drain takes the acts that woke the worker: it reads the ledger itself.
func drain(wake <-chan *wayfare.Act) {
	for {
		select {
		case _, ok := <-wake:
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// Cycle does the work that is due once, if this process holds the lease.
func (w *Worker) Cycle(ctx context.Context) error {
	if err := w.lease(ctx); err != nil || w.heldUntil.IsZero() {
		return err
	}
	now := w.now()
	errs := []error{w.consume(ctx, now)}
	if now.Sub(w.lastDue) >= 30*time.Second || now.Before(w.lastDue) {
		errs = append(errs, w.due(ctx, now))
		w.lastDue = now
	}
	if w.cfg.Mail != nil {
		if now.Sub(w.lastBrief) >= 30*time.Second || now.Before(w.lastBrief) {
			errs = append(errs, w.digests(ctx, now))
			w.lastBrief = now
		}
		errs = append(errs, w.mail(ctx, now))
	}
	if w.cfg.Webhooks != nil {
		errs = append(errs, w.cfg.Webhooks.RunDue(ctx, now))
	}
	return errors.Join(errs...)
}

// lease takes or renews the lease when a third of its time has passed, so
// that a busy worker does not write it at every cycle.
func (w *Worker) lease(ctx context.Context) error {
	now := time.Now()
	if now.Before(w.heldUntil.Add(-2 * leaseTTL / 3)) {
		return nil
	}
	held, err := w.cfg.Store.Lease(ctx, LeaseName, w.cfg.Holder, leaseTTL)
	w.heldUntil = time.Time{}
	if err == nil && held {
		w.heldUntil = now.Add(leaseTTL)
	}
	return err
}

// consume derives the notices of every act after the position, a batch
// at a time, and records them with the new position.
func (w *Worker) consume(ctx context.Context, now time.Time) error {
	for {
		from, acts, err := w.cfg.Store.NoticePosition(ctx, batchActs)
		if err != nil || len(acts) == 0 {
			return err
		}
		var notices []Notice
		for _, a := range acts {
			ns, err := Derive(ctx, a, w.cfg.Store.Facts())
			if wayfare.ErrorCode(err) == wayfare.ENOTFOUND {
				continue // what the act was about is gone
			} else if err != nil {
				return err
			}
			notices = append(notices, ns...)
		}
		d := Delivery{Webhooks: true} // queued whoever delivers them
		if w.cfg.Mail != nil {
			d.MailAt = now.Add(w.cfg.MailDelay)
		}
		_, err = w.cfg.Store.RecordNotices(ctx, from, acts[len(acts)-1].ID, notices, d)
		if err != nil && !errors.Is(err, ErrPositionMoved) {
			return err
		}
		if len(acts) < batchActs {
			return nil
		}
	}
}

// due tells openers of rounds whose time has passed.
func (w *Worker) due(ctx context.Context, now time.Time) error {
	rounds, err := w.cfg.Store.DueRounds(ctx, now)
	if err != nil || len(rounds) == 0 {
		return err
	}
	notices := make([]Notice, len(rounds))
	for i, r := range rounds {
		notices[i] = DueNotice(r)
	}
	var mailAt time.Time
	if w.cfg.Mail != nil {
		mailAt = now.Add(w.cfg.MailDelay)
	}
	_, err = w.cfg.Store.RecordDue(ctx, notices, mailAt)
	return err
}

// digests queues the digests that are due.
func (w *Worker) digests(ctx context.Context, now time.Time) error {
	_, err := w.queueDigests(ctx, now)
	return err
}

func (w *Worker) queueDigests(ctx context.Context, now time.Time) (int, error) {
	queued := 0
	for {
		people, err := w.cfg.Store.DueDigests(ctx, now, 1000)
		if err != nil || len(people) == 0 {
			return queued, err
		}
		n, err := w.cfg.Store.TakeDigests(ctx, people, now)
		queued += n
		if err != nil || len(people) < 1000 {
			return queued, err
		}
	}
}

// ErrBusy says another process holds the notifications' lease.
var ErrBusy = errors.New("notifications: another process holds the lease")

// SendDigests queues the digests due now and sends every mail that is due,
// as `wayfare digest --send` asks; it returns how many digests were
// queued. ErrBusy if another process does this work.
func (w *Worker) SendDigests(ctx context.Context) (int, error) {
	held, err := w.cfg.Store.Lease(ctx, LeaseName, w.cfg.Holder, leaseTTL)
	if err != nil {
		return 0, err
	}
	if !held {
		return 0, ErrBusy
	}
	defer w.cfg.Store.Release(context.WithoutCancel(ctx), LeaseName, w.cfg.Holder)
	now := w.now()
	if err := w.consume(ctx, now); err != nil {
		return 0, err
	}
	n, err := w.queueDigests(ctx, now)
	if err != nil || w.cfg.Mail == nil {
		return n, err
	}
	return n, w.mail(ctx, now)
}

// mail sends the mail that is due, a batch at a time.
func (w *Worker) mail(ctx context.Context, now time.Time) error {
	for range 50 {
		mails, err := w.cfg.Store.DueMail(ctx, now, 200)
		if err != nil || len(mails) == 0 {
			return err
		}
		done := w.cfg.Mail.Post(ctx, mails, now)
		if err := w.cfg.Store.MailDone(ctx, done); err != nil {
			return err
		}
		if len(done) < len(mails) || len(mails) < 200 {
			return nil
		}
	}
	return nil
}
