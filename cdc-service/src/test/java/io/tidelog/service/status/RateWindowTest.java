package io.tidelog.service.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateWindowTest {

    @Test
    void noRateBeforeTwoSamples() {
        RateWindow w = new RateWindow(Duration.ofSeconds(10));
        assertThat(w.perSecond()).isZero();
        w.add(1_000, 50);
        assertThat(w.perSecond()).isZero();
    }

    @ParameterizedTest(name = "{0} samples of +{1}/s -> {2}/s")
    @CsvSource({
            // samples one second apart, growth per sample, expected rate over the last ~10 s
            "2,   100, 100",
            "11,  100, 100",
            "60,  100, 100",
            "5,   0,   0",
    })
    void averagesGrowthOverTheWindow(int samples, long growth, double expected) {
        RateWindow w = new RateWindow(Duration.ofSeconds(10));
        for (int i = 0; i < samples; i++) {
            w.add(i * 1000L, i * growth);
        }
        assertThat(w.perSecond()).isCloseTo(expected, within(0.001));
    }

    @Test
    void forgetsWhatIsOlderThanTheWindow() {
        RateWindow w = new RateWindow(Duration.ofSeconds(10));
        for (int i = 0; i <= 30; i++) {
            w.add(i * 1000L, i < 20 ? i * 1000L : 20_000); // fast for 20 s, then stopped
        }
        assertThat(w.perSecond()).as("the last 10 s were idle").isZero();
        w.add(31_000, 20_500);
        assertThat(w.perSecond()).isCloseTo(50.0, within(0.001)); // 500 over the last 10 s
    }

    @Test
    void aCounterThatWentDownCountsAsIdle() {
        RateWindow w = new RateWindow(Duration.ofSeconds(10));
        w.add(0, 1000);
        w.add(1000, 10);
        assertThat(w.perSecond()).isZero();
    }

    @Test
    void ignoresSamplesNotNewerThanTheLast() {
        RateWindow w = new RateWindow(Duration.ofSeconds(10));
        w.add(1000, 0);
        w.add(2000, 100);
        w.add(2000, 5000);
        w.add(1500, 5000);
        assertThat(w.perSecond()).isCloseTo(100.0, within(0.001));
    }
}
