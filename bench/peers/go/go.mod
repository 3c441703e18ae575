module hourglass.bench/gohello

go 1.19
