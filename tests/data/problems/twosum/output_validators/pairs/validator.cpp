// Accepts any pair of different positions whose values add up to the target.
// Usage (Kattis): validator input_file answer_file feedback_dir < contestant_output
#include "feedback.h"

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    if (argc < 4) judge_error("usage: validator input answer feedback_dir");
    feedback_dir = argv[3];
    std::ifstream input(argv[1]);
    long long n, target;
    if (!(input >> n >> target) || n < 2) judge_error("bad input file");
    std::vector<long long> a(n);
    for (auto &value : a)
        if (!(input >> value)) judge_error("bad input file");

    long long i, j;
    if (!(std::cin >> i >> j)) wrong_answer("expected two positions");
    std::string extra;
    if (std::cin >> extra) wrong_answer("unexpected output after the pair: %s", extra.c_str());
    if (i < 1 || i > n || j < 1 || j > n)
        wrong_answer("positions must be from 1 to %lld, got %lld and %lld", n, i, j);
    if (i == j) wrong_answer("the two positions must differ, got %lld twice", i);
    if (a[i - 1] + a[j - 1] != target)
        wrong_answer("a[%lld] + a[%lld] = %lld, not %lld", i, j, a[i - 1] + a[j - 1], target);
    accept();
}
