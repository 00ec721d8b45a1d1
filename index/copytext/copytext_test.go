package copytext

import "testing"

func TestAdded(t *testing.T) {
	orig := "The council approved the harbour budget on Monday after a long debate.\n\nThe mayor said repairs would start in spring and finish by the autumn."
	for _, tc := range []struct {
		name, copy, want string
	}{
		{"verbatim", orig, ""},
		{"intro added", "Our partners report an important story today about the harbour.\n\n" + orig,
			"Our partners report an important story today about the harbour."},
		{"lightly edited paragraph is not added", "The council approved the harbour budget on Monday after a lengthy debate.\n\nThe mayor said repairs would start in spring and finish by the autumn.", ""},
		{"spin at the end", orig + "\n\nThis is yet another waste of taxpayers' money, critics say.",
			"This is yet another waste of taxpayers' money, critics say."},
		{"short own line", orig + "\n\nRead more", "Read more"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Added(orig, tc.copy); got != tc.want {
				t.Errorf("Added = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOf(t *testing.T) {
	orig := "The council approved the harbour budget on Monday after a long debate."
	ct, cb, any := Of("Council approves budget", orig,
		[]string{"council  APPROVES budget", "Outrage over budget", ""},
		[]string{orig, orig + "\n\nCritics call it a waste of money again.", ""})
	if !any || ct[0] != "" || ct[1] != "Outrage over budget" || ct[2] != "" {
		t.Errorf("titles %q (any %v), want only the second copy's own", ct, any)
	}
	if cb[0] != "" || cb[1] != "Critics call it a waste of money again." || cb[2] != "" {
		t.Errorf("added texts %q", cb)
	}
	if _, _, any := Of("T", orig, []string{"t"}, []string{orig}); any {
		t.Error("a verbatim copy with the same title adds something")
	}
}
