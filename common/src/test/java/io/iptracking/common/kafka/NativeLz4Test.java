package io.iptracking.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeLz4Test {

    // lz4-java ships its native library for these; the services' images and this machine are among them.
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
    void loadsTheNativeCodecThatKafkaThenChooses() {
        assertThat(NativeLz4.load()).isTrue();
        assertThat(LZ4Factory.fastestInstance()).hasToString("LZ4Factory:JNI");
    }
}
