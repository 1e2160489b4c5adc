package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// doubtWave picks the doubters among the journey's riders of the day
// (drivers aside) and schedules their doubts and, on a journey that
// recovers, how each settles. The choice reads the store, which holds the
// same state for the same seed, and draws from a generator of its own, so
// it stays deterministic.
func (pl *player) doubtWave(ctx context.Context, p *pitchPlan) error {
	j := p.journey
	cur, err := pl.db.Journey(ctx, p.journeyID)
	if err != nil {
		return err
	}
	var riders []wayfare.ID
	for _, id := range cur.Riders {
		if !slices.Contains(cur.Drivers, id) {
			riders = append(riders, id)
		}
	}
	if len(riders) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(pl.seed, uint64(p.n)+1))
	rng.Shuffle(len(riders), func(a, b int) { riders[a], riders[b] = riders[b], riders[a] })
	share := 0.15 + 0.2*rng.Float64()
	if j.mode == troubled {
		share = 0.3 + 0.15*rng.Float64()
	}
	k := min(len(riders), max(1, int(math.Ceil(share*float64(cur.RiderCount)))))
	for i, who := range riders[:k] {
		note := oneOf(rng, doubtNotes)
		pl.schedule(j.wave+(j.waveEnd-j.wave)*wt(i)/wt(k), "raise a doubt", func(ctx context.Context) error {
			pl.res.Doubts++
			_, _, err := pl.db.RaiseDoubt(asID(ctx, who), p.journeyID, management.NewDoubt{Note: note})
			return err
		})
		if j.mode != recovered {
			continue
		}
		at := j.settle[0] + wt(rng.Int64N(int64(j.settle[1]-j.settle[0])))
		if i%3 == 1 {
			pl.schedule(at, "leave", func(ctx context.Context) error { return pl.db.Leave(asID(ctx, who), p.journeyID) })
		} else {
			pl.schedule(at, "reconfirm", func(ctx context.Context) error { return pl.db.Reconfirm(asID(ctx, who), p.journeyID) })
		}
	}
	return nil
}
