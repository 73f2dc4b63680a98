n, t = map(int, input().split())
a = list(map(int, input().split()))
seen = {}
for j, value in enumerate(a, 1):
    if t - value in seen:
        print(seen[t - value], j)
        break
    seen.setdefault(value, j)
