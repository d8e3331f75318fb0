package io.regent.controller.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two short texts (the configuration before and after an edit), in the unified
 * notation: {@code -} removed, {@code +} added, two spaces for an unchanged line. Longest common
 * subsequence; fine for the few dozen lines a dynamic configuration has.
 */
public final class LineDiff {

    private LineDiff() {
    }

    /** Every line of both texts, marked; empty when they are equal. */
    public static List<String> of(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        if (a.equals(b)) {
            return List.of();
        }
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                lines.add("  " + a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                lines.add("- " + a.get(i++));
            } else {
                lines.add("+ " + b.get(j++));
            }
        }
        return lines;
    }
}
