module hourglass.bench/manyconns

go 1.19
