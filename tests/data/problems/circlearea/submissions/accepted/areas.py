import math

q = int(input())
for _ in range(q):
    r = float(input())
    print(f"{math.pi * r * r:.6f}")
