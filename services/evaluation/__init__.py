"""The evaluation service: window throughput now; inspections, bulletins and appraisals later."""
