package people

import "testing"

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (salt)")
	}
	tests := []struct {
		hash, pw string
		want     bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"", "", false},
		{"$argon2id$v=19$m=65536,t=3,p=2$bad", "x", false},
		{"$bcrypt$whatever", "x", false},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.hash, tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v", tt.hash, tt.pw, got)
		}
	}
	if ValidatePassword("short") == nil || ValidatePassword("long enough, surely") != nil {
		t.Fatal("ValidatePassword")
	}
}
