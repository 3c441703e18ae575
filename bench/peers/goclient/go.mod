module hourglass.bench/goclient

go 1.19
