module hourglass.bench/goinspect

go 1.19
