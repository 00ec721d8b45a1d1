package charset

import "testing"

func TestRepairMojibake(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"apostrophe", "It\u00e2\u20ac\u2122s here", "It’s here"},
		{"quotes", "\u00e2\u20ac\u0153Yes,\u00e2\u20ac\u009d she said", "“Yes,” she said"},
		{"dashes and ellipsis", "a \u00e2\u20ac\u201c b \u00e2\u20ac\u201d c\u00e2\u20ac\u00a6", "a – b — c…"},
		{"euro and trade mark", "\u00e2\u201a\u00ac5 Brand\u00e2\u201e\u00a2", "€5 Brand™"},
		{"accented letters", "caf\u00c3\u00a9 M\u00c3\u00bcller Stra\u00c3\u0178e", "café Müller Straße"},
		{"no-break space and symbols", "\u00c2\u00a0\u00c2\u00a9 2008 NPC\u00c2\u00b4s", "\u00a0© 2008 NPC´s"},
		{"real accented text is kept", "Crème brûlée à la française, São Paulo, Ärger", "Crème brûlée à la française, São Paulo, Ärger"},
		{"accented capital before a quote is kept", "“CAFÉ” and “ÉTÉ”", "“CAFÉ” and “ÉTÉ”"},
		{"a lead without its continuation is kept", "Ã and â€ alone", "Ã and â€ alone"},
		{"château followed by a dash", "château–villa", "château–villa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(RepairMojibake([]byte(tc.in))); got != tc.want {
				t.Errorf("repairMojibake(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
