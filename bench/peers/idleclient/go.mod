module hourglass.bench/idleclient

go 1.19
