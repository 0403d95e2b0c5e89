package io.iptracking.detection.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PopulationModelTest {

    static double[] v(double volume, double diversity, double errors) {
        return new double[] {volume, diversity, errors, 0, 0, 0.4};
    }

    @Test
    void fitsMediansAndScaledAbsoluteDeviationsWithFloors() {
        List<double[]> population = List.of(v(1, 0.5, 0), v(2, 0.6, 0), v(3, 0.7, 0), v(4, 0.8, 0), v(5, 0.9, 0.1));
        PopulationModel m = PopulationModel.fit(population);
        assertThat(m.population()).isEqualTo(5);
        assertThat(m.medians()[Feature.VOLUME.ordinal()]).isEqualTo(3);
        assertThat(m.scales()[Feature.VOLUME.ordinal()]).isCloseTo(1.4826, within(1e-9));
        // Everyone agrees on the error ratio: the floor stands in for a spread of zero.
        assertThat(m.scales()[Feature.ERROR_RATIO.ordinal()]).isEqualTo(Feature.ERROR_RATIO.floor());
    }

    @Test
    void scoresOnlyDeviationsTowardsSuspicionAndCapsEachFeature() {
        PopulationModel m = PopulationModel.fit(List.of(v(3, 0.5, 0), v(3, 0.5, 0), v(3, 0.5, 0)));
        assertThat(m.score(v(0, 0, 0)).score()).as("quieter than everyone").isZero();
        AnomalyScore errors = m.score(v(3, 0.5, 1));
        assertThat(errors.score()).isEqualTo(PopulationModel.Z_CAP);
        assertThat(errors.contributions()).singleElement().satisfies(c -> {
            assertThat(c.feature()).isEqualTo(Feature.ERROR_RATIO);
            assertThat(c.median()).isZero();
        });
        double both = m.score(v(3 + 0.5 * 3, 0.5 + 0.1 * 4, 0)).score();
        assertThat(both).isCloseTo(5, within(1e-9));
    }

    @Test
    void aThirdOfAttackersDoesNotMoveTheModel() {
        List<double[]> population = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            population.add(v(3 + (i % 7) * 0.1, 0.5, 0));
        }
        PopulationModel clean = PopulationModel.fit(population);
        for (int i = 0; i < 30; i++) {
            population.add(v(9, 1, 1));
        }
        PopulationModel contaminated = PopulationModel.fit(population);
        assertThat(contaminated.score(v(9, 1, 1)).score()).isGreaterThan(10);
        assertThat(contaminated.medians()[Feature.ERROR_RATIO.ordinal()]).isEqualTo(clean.medians()[Feature.ERROR_RATIO.ordinal()]);
    }

    @Test
    void anEmptyModelScoresNothing() {
        assertThat(PopulationModel.fit(List.of())).isSameAs(PopulationModel.EMPTY);
        assertThat(PopulationModel.EMPTY.score(v(9, 1, 1)).score()).isZero();
    }
}
