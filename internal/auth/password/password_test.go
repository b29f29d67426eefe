package password

import (
	"fmt"
	"testing"
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
