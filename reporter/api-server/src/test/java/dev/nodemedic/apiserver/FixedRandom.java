package dev.nodemedic.apiserver;

import java.util.random.RandomGenerator;

/**
 * A jitter source that always draws the bottom or the top of its range, so that a {@link Backoff}'s
 * pause is its lowest (half the ceiling) or its highest (the ceiling) and a test can name it.
 */
public enum FixedRandom implements RandomGenerator {
    LOWEST, HIGHEST;

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only bounded draws");
    }

    @Override
    public long nextLong(long bound) {
        return this == HIGHEST ? bound - 1 : 0;
    }
}
