package io.tidelog.service.security;

import io.tidelog.service.config.TidelogProperties;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Wires the admin API's guard: the startup check, run before any other bean is created (so a refused
 * configuration stops before the demo database or a connection starts), and the token filter in
 * front of everything else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class AdminSecurityConfiguration {

    /** The largest admin request body: requests are small JSON objects. */
    static final long MAX_BODY_BYTES = 256 * 1024;

    /** Checks {@link AdminExposure}'s rule as soon as the bean definitions are known. */
    @Bean
    static BeanFactoryPostProcessor adminExposureCheck(Environment environment) {
        return beanFactory -> {
            Binder binder = Binder.get(environment);
            boolean enabled = binder.bind("tidelog.admin.enabled", Boolean.class).orElse(true);
            AdminExposure.check(enabled, environment.getProperty("tidelog.admin.token"),
                    environment.getProperty("server.address"));
        };
    }

    @Bean
    FilterRegistrationBean<AdminTokenFilter> adminTokenFilter(TidelogProperties properties) {
        TidelogProperties.Admin admin = properties.admin();
        FilterRegistrationBean<AdminTokenFilter> registration = new FilterRegistrationBean<>(
                new AdminTokenFilter(admin.enabled(), admin.token(), MAX_BODY_BYTES));
        registration.addUrlPatterns("/*");
        registration.setName("tidelogAdminToken");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
