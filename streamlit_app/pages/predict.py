"""Predict a customer: a form with the features; the segment, closeness to each segment, and the map."""

import streamlit as st

import app_common
from customer_segmentation.app_support import charts, field_messages, predict_customer
from customer_segmentation.app_support.scoring import chart_sample, feature_defaults
from customer_segmentation.features.units import axis_label, form_step, format_value

st.title("Predict a customer")
bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

defaults = feature_defaults(bundle)
st.caption("Enter one customer, each value in its unit. Defaults are the median customer the model was trained on.")


def allowed(feature) -> str:
    low, high = feature.minimum, feature.maximum
    if low is None and high is None:
        return ""
    if high is None:
        return f"Allowed: {format_value(feature, low)} or more."
    if low is None:
        return f"Allowed: up to {format_value(feature, high)}."
    return f"Allowed: {format_value(feature, low)} to {format_value(feature, high)}."


slots = {}
with st.form("predict_form"):
    fields = st.columns(len(bundle.features))
    for column, feature in zip(fields, bundle.table):
        # Prefilled through session state with value=None, so a field can also be cleared (missing);
        # no min/max on the widget: out-of-range values reach the validation and get its message here.
        st.session_state.setdefault(f"predict_{feature.name}", defaults[feature.name])
        with column:
            st.number_input(axis_label(feature), value=None, step=form_step(feature), format="%.0f",
                            help=allowed(feature), placeholder="required", key=f"predict_{feature.name}")
            slots[feature.name] = st.empty()
    submitted = st.form_submit_button("Predict segment", type="primary")

if submitted:
    st.session_state["predict_asked"] = True
if not st.session_state.get("predict_asked"):
    st.stop()

values = {f: st.session_state.get(f"predict_{f}") for f in bundle.features}
messages = field_messages(bundle, values)
if messages:
    for feature, message in messages.items():
        slots[feature].error(message, icon=":material/error:")
    st.warning("Fix the values marked above to get a prediction.")
    st.stop()

prediction = predict_customer(bundle, values, validate=False)  # validated just above
st.success(f"This customer belongs to **{prediction.segment_name}**.", icon=":material/check_circle:")
st.markdown(f"{prediction.description}  \n**Suggested action:** {prediction.suggested_action}")
own = prediction.distances.loc[prediction.distances["assigned"]].iloc[0]
if prediction.typical_distance:
    closeness = ("closer to the centre than most members" if own.distance <= prediction.typical_distance
                 else "further from the centre than most members: a borderline customer")
    st.caption(f"Distance to the segment centre {own.distance:.2f}; a typical member is at "
               f"{prediction.typical_distance:.2f}, so this customer is {closeness}.")

left, right = st.columns([2, 3])
with left:
    st.subheader("How close to each segment")
    st.plotly_chart(charts.distance_chart(prediction.distances, bundle.profiles), key="predict_distances")
with right:
    st.subheader("On the segment map")
    st.plotly_chart(
        charts.segment_map(chart_sample(bundle), bundle.profiles, bundle.table,
                           customer={"map_x": prediction.map_x, "map_y": prediction.map_y}),
        key="predict_map",
    )
