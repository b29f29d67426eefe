package password

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("correct horse battery", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Check("correct horse battery", h); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := Check("wrong horse battery", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := Hash("correct horse battery", Fast)
	if h == h2 {
		t.Fatal("same hash twice: salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if ok, err := Check("x", bad); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Hash("correct horse battery", Default); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	h, _ := Hash("x", Fast)
	f.Add(h)
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, encoded string) {
		// Stored hashes come from the database; a corrupt one must fail, not panic
		// or burn unbounded memory.
		if len(encoded) > 200 {
			return
		}
		var p Params
		if _, err := fmt.Sscanf(encoded, "$argon2id$v=19$m=%d,t=%d,p=%d$", &p.Memory, &p.Time, &p.Threads); err == nil && (p.Memory > 1<<16 || p.Time > 4) {
			return // legitimately expensive parameters: not what this fuzz is about
		}
		_, _ = Check("x", encoded)
	})
}

// TestMemoryBudget: the budget gives as many slots as hashes of the memory
// parameter fit (at least one), and a hash that finds no room within the
// wait answers ErrBusy without hashing.
func TestMemoryBudget(t *testing.T) {
	t.Cleanup(func() { SetMemoryBudget(0, 0) })
	for _, tc := range []struct {
		budget int64
		want   int
	}{{0, 4}, {256 << 20, 4}, {128 << 20, 2}, {100 << 20, 1}, {1 << 20, 1}} {
		SetMemoryBudget(tc.budget, 0)
		if got := Slots(Default); got != tc.want {
			t.Errorf("budget %d MiB: %d slots of 64 MiB, want %d", tc.budget>>20, got, tc.want)
		}
	}
	SetMemoryBudget(1<<20, 20*time.Millisecond)
	h, err := Hash("correct horse battery", Fast) // 1 MiB: fits alone
	if err != nil {
		t.Fatal(err)
	}
	release, err := Hold(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Hash("correct horse battery", Fast); err != ErrBusy {
		t.Errorf("Hash while the budget is taken: %v, want ErrBusy", err)
	}
	if ok, err := Check("correct horse battery", h); ok || err != ErrBusy {
		t.Errorf("Check while the budget is taken: %v %v, want false, ErrBusy", ok, err)
	}
	release()
	if ok, err := Check("correct horse battery", h); !ok || err != nil {
		t.Errorf("Check after release: %v %v", ok, err)
	}
	// A hash larger than the whole budget still runs, alone.
	if _, err := Hash("correct horse battery", Params{Memory: 4 << 10, Time: 1, Threads: 1}); err != nil {
		t.Errorf("a hash above the budget: %v", err)
	}
}
