package store

import "github.com/wayfare-org/wayfare"

// queueWebhooks queues, for every enabled endpoint, the acts after from up
// to to of the kinds it takes; each act once per endpoint.
func (tx *Tx) queueWebhooks(from, to wayfare.ID) error {
	_, err := tx.exec(`INSERT INTO webhook_deliveries (webhook_id, act_id, due_at, created_at)
		SELECT w.id, a.id, ?, ? FROM acts a JOIN webhooks w ON w.enabled = 1
			AND (w.kinds = '' OR w.kinds LIKE '%,' || a.verb || ',%')
		WHERE a.id > ? AND a.id <= ?
		ON CONFLICT (webhook_id, act_id) DO NOTHING`, micros(tx.now), micros(tx.now), from, to)
	return err
}
