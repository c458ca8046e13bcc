package main

import "testing"

func TestGoMaxProcsAddsOneUnlessSetOrChosenByEnvironment(t *testing.T) {
	tests := []struct {
		name           string
		setting        int
		envSet         bool
		runtimeDefault int
		want           int
	}{
		{"default on two cores", 0, false, 2, 3},
		{"default on one core", 0, false, 1, 2},
		{"default on sixteen cores", 0, false, 16, 17},
		{"setting wins", 2, false, 2, 2},
		{"setting wins over the environment", 4, true, 3, 4},
		{"environment kept as the runtime read it", 0, true, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := goMaxProcs(tt.setting, tt.envSet, tt.runtimeDefault); got != tt.want {
				t.Errorf("goMaxProcs(%d, %v, %d) = %d, want %d", tt.setting, tt.envSet, tt.runtimeDefault, got, tt.want)
			}
		})
	}
}
