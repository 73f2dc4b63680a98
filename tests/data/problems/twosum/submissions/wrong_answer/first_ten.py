# Looks for the pair among the first ten positions only: right on small tests, wrong on large.
n, t = map(int, input().split())
a = list(map(int, input().split()))
m = min(n, 10)
pair = next(((i, j) for i in range(m) for j in range(i + 1, m) if a[i] + a[j] == t), (0, 1))
print(pair[0] + 1, pair[1] + 1)
