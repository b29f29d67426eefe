package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestValidationCollectsAll(t *testing.T) {
	var v Validation
	if v.Err() != nil {
		t.Fatal("empty validation is an error")
	}
	v.Check(false, "name", "field.required")
	v.Check(true, "email", "field.email")
	v.Add("roles", "user.roles.required")
	err := v.Err()
	e := As(err)
	if e == nil || e.Code != Invalid || len(e.Fields) != 2 || e.Fields[0].Field != "name" || e.Fields[1].Field != "roles" {
		t.Fatalf("validation error: %#v", err)
	}
	if !v.Has("name") || v.Has("email") {
		t.Fatal("Has")
	}
}

func TestCodes(t *testing.T) {
	if CodeOf(nil) != "" || CodeOf(errors.New("x")) != Internal {
		t.Fatal("plain errors are internal")
	}
	wrapped := fmt.Errorf("context: %w", E(NotFound, "error.not_found"))
	if !Is(wrapped, NotFound) || As(wrapped).Key != "error.not_found" {
		t.Fatal("code lost through wrapping")
	}
	if Wrap(nil, "x") != nil {
		t.Fatal("Wrap(nil) is not nil")
	}
	if w := Wrap(E(Conflict, "k"), "x"); CodeOf(w) != Conflict {
		t.Fatal("Wrap replaced a domain error")
	}
	cause := errors.New("disk on fire")
	w := Wrap(cause, "save")
	if CodeOf(w) != Internal || !errors.Is(w, cause) {
		t.Fatal("Wrap lost the cause")
	}
}

func TestEveryCodeHasAStatus(t *testing.T) {
	for _, c := range []Code{Invalid, Unauthenticated, Forbidden, NotFound, Conflict, TooLarge, TooMany, Unavailable, Internal} {
		if _, ok := Statuses[c]; !ok {
			t.Errorf("code %s has no status", c)
		}
	}
	if Status("made-up") != 500 || Status(NotFound) != 404 {
		t.Fatal("Status")
	}
}
